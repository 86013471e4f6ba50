// GeneralName (RFC 5280 section 4.2.1.6) and distinguished names read from the raw ASN.1, for
// name constraints: pkijs's GeneralName mis-tags otherName and its Name flattens the RDN sets,
// and constraint matching needs both exactly. Values that break their type's syntax throw.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { parseAsn1 } from '../asn1/parse-der';
import { SmimeError } from '../errors';

/** One RDN: its attributes, in the order encoded (a SET, so order does not matter when comparing). */
export type Rdn = pkijs.AttributeTypeAndValue[];

export type GeneralName =
  | { type: 'otherName'; typeId: string; value: asn1js.AsnType }
  | { type: 'rfc822Name' | 'dNSName' | 'uniformResourceIdentifier'; value: string }
  | { type: 'x400Address' | 'ediPartyName' | 'registeredID' }
  | { type: 'directoryName'; rdns: Rdn[] }
  | { type: 'iPAddress'; bytes: Uint8Array };

function bad(why: string): never {
  throw new SmimeError('malformed-certificate', `A general name is malformed: ${why}.`);
}

/** One GeneralName from its context-tagged ASN.1 value. */
export function readGeneralName(node: asn1js.AsnType): GeneralName {
  const { tagClass, tagNumber, isConstructed } = node.idBlock;
  if (tagClass !== 3) bad('not a context-specific tag');
  const primitiveBytes = () => {
    if (isConstructed || !(node instanceof asn1js.Primitive)) return bad(`[${tagNumber}] is not primitive`);
    return node.valueBlock.valueHexView;
  };
  const children = () => {
    if (!(node instanceof asn1js.Constructed)) return bad(`[${tagNumber}] is not constructed`);
    return node.valueBlock.value;
  };
  switch (tagNumber) {
    case 0: {
      // OtherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY }, IMPLICIT in the GeneralName.
      const [typeId, wrapped, extra] = children();
      const value = wrapped instanceof asn1js.Constructed && wrapped.idBlock.tagClass === 3 && wrapped.idBlock.tagNumber === 0 ? wrapped.valueBlock.value : [];
      if (!(typeId instanceof asn1js.ObjectIdentifier) || value.length !== 1 || extra) bad('otherName is not type-id and [0] value');
      return { type: 'otherName', typeId: (typeId as asn1js.ObjectIdentifier).valueBlock.toString(), value: value[0]! };
    }
    case 1:
      return { type: 'rfc822Name', value: ia5(primitiveBytes()) };
    case 2:
      return { type: 'dNSName', value: ia5(primitiveBytes()) };
    case 3:
      children();
      return { type: 'x400Address' };
    case 4: {
      const [name, extra] = children();
      if (!name || extra) bad('directoryName does not hold one Name');
      return { type: 'directoryName', rdns: readRdns(name!) };
    }
    case 5:
      children();
      return { type: 'ediPartyName' };
    case 6:
      return { type: 'uniformResourceIdentifier', value: ia5(primitiveBytes()) };
    case 7:
      return { type: 'iPAddress', bytes: primitiveBytes() };
    case 8:
      primitiveBytes();
      return { type: 'registeredID' };
    default:
      return bad(`unknown tag [${tagNumber}]`);
  }
}

/** GeneralNames ::= SEQUENCE OF GeneralName, from DER (e.g. a subjectAltName extension value). */
export function readGeneralNames(der: Uint8Array, what: string): GeneralName[] {
  const sequence = parseAsn1(der, what);
  if (!(sequence instanceof asn1js.Sequence)) bad(`${what} is not a SEQUENCE`);
  return (sequence as asn1js.Sequence).valueBlock.value.map(readGeneralName);
}

/** Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue). */
export function readRdns(name: asn1js.AsnType): Rdn[] {
  if (!(name instanceof asn1js.Sequence)) return bad('a Name is not a SEQUENCE');
  return name.valueBlock.value.map((rdn) => {
    if (!(rdn instanceof asn1js.Set) || rdn.valueBlock.value.length === 0) bad('an RDN is not a non-empty SET');
    return (rdn as asn1js.Set).valueBlock.value.map((attribute) => {
      try {
        return new pkijs.AttributeTypeAndValue({ schema: attribute });
      } catch {
        return bad('an attribute is not type and value');
      }
    });
  });
}

/** The RDNs of a certificate's subject, from the bytes it was decoded from. */
export function subjectRdns(certificate: pkijs.Certificate): Rdn[] {
  return readRdns(certificate.subject.toSchema());
}

/** RFC 5280 section 7.1: RDNs match when they have the same attributes, each with an equal value. */
export function sameRdn(a: Rdn, b: Rdn): boolean {
  return a.length === b.length && a.every((attribute) => b.some((other) => attribute.isEqual(other))) && b.every((other) => a.some((attribute) => attribute.isEqual(other)));
}

/** IA5String content: 7-bit ASCII only. */
export function ia5(bytes: Uint8Array): string {
  if (bytes.some((byte) => byte > 0x7f)) bad('an IA5String holds a byte above 0x7F');
  return Array.from(bytes, (byte) => String.fromCharCode(byte)).join('');
}
