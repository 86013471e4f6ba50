// SMIMECapabilities (RFC 8551 2.5.2): SEQUENCE OF { capabilityID OID, parameters ANY OPTIONAL },
// strongest first. Parameters are kept as their DER, since their meaning depends on the OID.
import * as asn1js from 'asn1js';

import { toDer } from '../../asn1/parse-der';
import { SmimeError } from '../../errors';

export interface SmimeCapability {
  oid: string;
  /** DER of the parameters, when present. */
  parameters?: Uint8Array;
}

export function encodeSmimeCapabilities(capabilities: SmimeCapability[]): asn1js.Sequence {
  return new asn1js.Sequence({
    value: capabilities.map((capability) => {
      const value: asn1js.AsnType[] = [new asn1js.ObjectIdentifier({ value: capability.oid })];
      if (capability.parameters) {
        const parsed = asn1js.fromBER(new Uint8Array(capability.parameters).buffer);
        if (parsed.offset !== capability.parameters.length || parsed.result.error) {
          throw new SmimeError('invalid-argument', `The parameters of capability ${capability.oid} are not DER.`);
        }
        value.push(parsed.result);
      }
      return new asn1js.Sequence({ value });
    }),
  });
}

export function decodeSmimeCapabilities(value: asn1js.AsnType): SmimeCapability[] {
  const bad = () => new SmimeError('malformed-cms', 'The S/MIME capabilities attribute cannot be read.');
  if (!(value instanceof asn1js.Sequence)) throw bad();
  return value.valueBlock.value.map((entry) => {
    if (!(entry instanceof asn1js.Sequence)) throw bad();
    const [oid, parameters, ...rest] = entry.valueBlock.value;
    if (!(oid instanceof asn1js.ObjectIdentifier) || rest.length > 0) throw bad();
    return parameters ? { oid: oid.valueBlock.toString(), parameters: toDer(parameters) } : { oid: oid.valueBlock.toString() };
  });
}
