// Which content cipher to send with under the policy: lib/smime's choice from what the
// recipients announced (chooseSendCipher: AES-256-GCM only when all read it), kept when the policy
// allows it; otherwise the policy's first allowed cipher every recipient reads. AES-CBC counts as
// read by everyone (RFC 8551 section 2.7 makes AES-128-CBC a MUST); a GCM cipher only when the
// recipient announced it or the organisation says every client reads GCM.
import { chooseSendCipher } from '../smime';
import { OID } from '../smime/oids';

import type { SecurityPolicy, SendCipherChoice } from './security-policy';

/** SMIMECapabilities OIDs (RFC 3565 and RFC 5084). */
const CIPHER_OIDS: Record<SendCipherChoice, string> = {
  'aes-128-cbc': OID.aes128Cbc,
  'aes-192-cbc': OID.aes192Cbc,
  'aes-256-cbc': OID.aes256Cbc,
  'aes-128-gcm': OID.aes128Gcm,
  'aes-256-gcm': OID.aes256Gcm,
};

export type SendCipherDecision = { cipher: SendCipherChoice } | { cipher: null; reason: string };

/** `capabilities[i]`: the OIDs recipient i announced (RecipientCertificate.capabilities), null when unknown. */
export function sendCipherForPolicy(capabilities: (string[] | null)[], policy: SecurityPolicy): SendCipherDecision {
  const engineChoice = chooseSendCipher(
    capabilities.map((oids) => oids?.map((oid) => ({ oid })) ?? null),
    { everyoneReadsGcm: policy.everyoneReadsGcm },
  );
  if (policy.allowedSendCiphers.includes(engineChoice)) return { cipher: engineChoice };
  const readByAll = (cipher: SendCipherChoice) =>
    !cipher.endsWith('-gcm') || policy.everyoneReadsGcm || (capabilities.length > 0 && capabilities.every((oids) => oids?.includes(CIPHER_OIDS[cipher]) ?? false));
  const cipher = policy.allowedSendCiphers.find(readByAll);
  if (cipher) return { cipher };
  return {
    cipher: null,
    reason: `The organisation's policy allows only ${policy.allowedSendCiphers.join(', ')}, and not every recipient is known to read ${policy.allowedSendCiphers.length > 1 ? 'any of them' : 'it'}.`,
  };
}
