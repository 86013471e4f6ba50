// Which RecipientInfos are for which of the user's identities. A RecipientInfo names its recipient
// by issuer and serial number or by subject key identifier (RFC 5652 sections 6.2.1 and 6.2.2);
// every identity is tried, so mail to an older certificate of the user still opens.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { toDer } from '../../asn1/parse-der';
import type { Identity } from '../../keys/key-operations';
import { OID } from '../../oids';
import { digest } from '../../web-crypto';
import { bytesEqual } from '../../../bytes';

export type RecipientCandidate =
  | { kind: 'key-transport'; identity: Identity; info: pkijs.KeyTransRecipientInfo }
  | { kind: 'key-agreement'; identity: Identity; info: pkijs.KeyAgreeRecipientInfo; encryptedKey: Uint8Array };

interface IdentityNames {
  identity: Identity;
  issuer: Uint8Array;
  serial: Uint8Array;
  keyIdentifiers: Uint8Array[];
}

/** Every (RecipientInfo, identity) pair that names the identity's certificate and fits its key, in message order. */
export async function matchRecipients(recipientInfos: pkijs.RecipientInfo[], identities: Identity[]): Promise<RecipientCandidate[]> {
  const names = await Promise.all(identities.map(namesOf));
  const candidates: RecipientCandidate[] = [];
  for (const recipientInfo of recipientInfos) {
    const value = recipientInfo.value;
    if (value instanceof pkijs.KeyTransRecipientInfo) {
      for (const n of names) {
        if (n.identity.key.decryptKeyTransport && ridMatches(value.rid, n)) candidates.push({ kind: 'key-transport', identity: n.identity, info: value });
      }
    } else if (value instanceof pkijs.KeyAgreeRecipientInfo) {
      for (const recipientKey of value.recipientEncryptedKeys.encryptedKeys) {
        const rid = recipientKey.rid.variant === 2 ? (recipientKey.rid.value as pkijs.RecipientKeyIdentifier).subjectKeyIdentifier : recipientKey.rid.value;
        for (const n of names) {
          if (n.identity.key.deriveSharedSecret && ridMatches(rid, n)) {
            candidates.push({ kind: 'key-agreement', identity: n.identity, info: value, encryptedKey: new Uint8Array(recipientKey.encryptedKey.valueBlock.valueHexView) });
          }
        }
      }
    }
    // KEKRecipientInfo, PasswordRecipientInfo and OtherRecipientInfo never name a certificate.
  }
  return candidates;
}

function ridMatches(rid: unknown, names: IdentityNames): boolean {
  if (rid instanceof pkijs.IssuerAndSerialNumber) {
    return bytesEqual(toDer(rid.issuer.toSchema()), names.issuer) && bytesEqual(unsigned(rid.serialNumber.valueBlock.valueHexView), names.serial);
  }
  if (rid instanceof asn1js.OctetString) {
    const keyId = rid.valueBlock.valueHexView;
    return names.keyIdentifiers.some((id) => bytesEqual(id, keyId));
  }
  return false;
}

async function namesOf(identity: Identity): Promise<IdentityNames> {
  const certificate = identity.certificate;
  const keyIdentifiers: Uint8Array[] = [];
  const ski = certificate.extensions?.find((e) => e.extnID === OID.subjectKeyIdentifier)?.parsedValue;
  if (ski instanceof asn1js.OctetString) keyIdentifiers.push(new Uint8Array(ski.valueBlock.valueHexView));
  // Without the extension, senders fall back to RFC 5280's method 1: SHA-1 of the public key bits.
  keyIdentifiers.push(await digest('SHA-1', certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView));
  return {
    identity,
    issuer: toDer(certificate.issuer.toSchema()),
    serial: unsigned(certificate.serialNumber.valueBlock.valueHexView),
    keyIdentifiers,
  };
}

/** A serial number's bytes without the sign padding (some encoders differ in it). */
function unsigned(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}
