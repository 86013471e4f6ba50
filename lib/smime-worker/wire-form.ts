// The caller's side of the protocol: lib/smime arguments turned into what may cross the port.
// Certificates become DER; an Identity keeps its key here and sends only what kind of key it is.
import type * as pkijs from 'pkijs';

import { type Identity, type KeyOperations, type SignMessageOptions, SmimeError, type TrustSettings, readCertificates } from '@/lib/smime';

import type { KeyOperationName, WireIdentity, WireKey, WireRequest, WireSignOptions, WireTrust } from './protocol';
import type { SmimeCall } from './run-smime-call';

/** The certificate's DER as read (toSchema() without re-encoding keeps the signed TBS bytes). */
export function certificateDer(certificate: pkijs.Certificate): Uint8Array {
  return new Uint8Array(certificate.toSchema().toBER(false));
}

/** A certificate rebuilt from DER on the receiving side. */
export function certificateFromDer(der: Uint8Array): pkijs.Certificate {
  const certificates = readCertificates(der);
  if (certificates.length !== 1) throw new SmimeError('malformed-certificate', 'Expected exactly one certificate.');
  return certificates[0]!;
}

const KEY_OPERATIONS: KeyOperationName[] = ['sign', 'decryptKeyTransport', 'deriveSharedSecret'];

export function wireKey(key: KeyOperations): WireKey {
  const wire: WireKey = { kind: key.kind, operations: KEY_OPERATIONS.filter((name) => typeof key[name] === 'function') };
  if (key.curve !== undefined) wire.curve = key.curve;
  if (key.modulusBits !== undefined) wire.modulusBits = key.modulusBits;
  return wire;
}

export function wireIdentity(identity: Identity): WireIdentity {
  const wire: WireIdentity = { certificate: certificateDer(identity.certificate), key: wireKey(identity.key) };
  if (identity.chain) wire.chain = identity.chain.map(certificateDer);
  return wire;
}

function wireTrust(trust: TrustSettings): WireTrust {
  return {
    anchors: trust.anchors.map(certificateDer),
    knownCertificates: (trust.knownCertificates ?? []).map(certificateDer),
    revocation: trust.revocation,
    now: trust.now ? trust.now.getTime() : null,
    fetcher: Boolean(trust.fetcher),
  };
}

/** Options as given (lib/smime itself refuses unknown ones), the one certificate among them as DER. */
function wireSignOptions(options: SignMessageOptions): WireSignOptions {
  const { encryptionCertificate, ...rest } = options;
  return encryptionCertificate ? { ...rest, encryptionCertificate: certificateDer(encryptionCertificate) } : rest;
}

export function wireRequest(call: SmimeCall): WireRequest {
  switch (call.op) {
    case 'read':
      return {
        op: 'read',
        raw: call.raw,
        identities: call.context.identities.map(wireIdentity),
        trust: wireTrust(call.context.trust),
        knownCertificates: (call.context.knownCertificates ?? []).map(certificateDer),
      };
    case 'sign':
      return { op: 'sign', raw: call.raw, signer: wireIdentity(call.signer), options: wireSignOptions(call.options) };
    case 'encrypt':
      return { op: 'encrypt', raw: call.raw, recipients: call.recipients.map(certificateDer), options: call.options };
    case 'signAndEncrypt': {
      const { signing, ...rest } = call.options;
      return {
        op: 'signAndEncrypt',
        raw: call.raw,
        signer: wireIdentity(call.signer),
        recipients: call.recipients.map(certificateDer),
        options: signing ? { ...rest, signing: wireSignOptions(signing) } : rest,
      };
    }
  }
}
