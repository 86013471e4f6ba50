// Which certificate goes with a private key, when a PKCS#12 file has no localKeyId to say so:
// the one whose public key is the key's. Compared as a canonical string per key kind.
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

import { parseAsn1 } from '../asn1/parse-der';
import type { Pkcs8Description } from '../keys/soft-key';
import { OID } from '../oids';
import { bytesToBigInt } from '../rsa/big-int-bytes';
import { rsaPrivateKeyFromPkcs8 } from '../rsa/rsa-key';
import { ownBuffer, webCrypto } from '../web-crypto';
import { toHex } from '../../bytes';

const fromBase64Url = (text: string) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

/** The first certificate whose public key belongs to the private key, or null. */
export async function certificateForKey(pkcs8: Uint8Array, description: Pkcs8Description, certificates: pkijs.Certificate[]): Promise<pkijs.Certificate | null> {
  const key = await privateKeysPublicPart(pkcs8, description);
  if (key === null) return null;
  return certificates.find((certificate) => certificatesPublicPart(certificate) === key) ?? null;
}

async function privateKeysPublicPart(pkcs8: Uint8Array, description: Pkcs8Description): Promise<string | null> {
  if (description.kind === 'rsa') return `rsa:${rsaPrivateKeyFromPkcs8(pkcs8).n.toString(16)}`;
  const algorithm = description.kind === 'ec' ? { name: 'ECDSA', namedCurve: description.curve! } : { name: description.kind === 'ed25519' ? 'Ed25519' : 'X25519' };
  const usage: KeyUsage = description.kind === 'x25519' ? 'deriveBits' : 'sign';
  try {
    // Extractable only for this export of the public coordinates; the key object is dropped after.
    const key = await webCrypto().subtle.importKey('pkcs8', ownBuffer(pkcs8), algorithm, true, [usage]);
    const jwk = await webCrypto().subtle.exportKey('jwk', key);
    if (!jwk.x) return null;
    return description.kind === 'ec' ? `ec:04${toHex(fromBase64Url(jwk.x))}${toHex(fromBase64Url(jwk.y ?? ''))}` : `${description.kind}:${toHex(fromBase64Url(jwk.x))}`;
  } catch {
    return null;
  }
}

function certificatesPublicPart(certificate: pkijs.Certificate): string | null {
  const info = certificate.subjectPublicKeyInfo;
  const bits = new Uint8Array(info.subjectPublicKey.valueBlock.valueHexView);
  switch (info.algorithm.algorithmId) {
    case OID.rsaEncryption:
    case OID.rsassaPss: {
      try {
        const [modulus] = (parseAsn1(bits, 'RSA public key') as asn1js.Sequence).valueBlock.value;
        if (!(modulus instanceof asn1js.Integer)) return null;
        return `rsa:${bytesToBigInt(new Uint8Array(modulus.valueBlock.valueHexView)).toString(16)}`;
      } catch {
        return null;
      }
    }
    case OID.ecPublicKey:
      return `ec:${toHex(bits)}`;
    case OID.ed25519:
      return `ed25519:${toHex(bits)}`;
    case OID.x25519:
      return `x25519:${toHex(bits)}`;
    default:
      return null;
  }
}
