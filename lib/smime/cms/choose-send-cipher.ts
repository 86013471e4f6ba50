// Which content cipher to send with (RFC 8551 section 2.7.1): AES-256-GCM (AuthEnvelopedData)
// only when every recipient is known to read it — its SMIMECapabilities, harvested from its own
// validly signed mail, list it, or the organisation says all its clients do — else AES-256-CBC,
// which every S/MIME client reads. Never RC2 or 3DES, whatever a recipient announces.
import { OID } from '../oids';
import type { SendCipher } from './encrypt-envelope';
import type { SmimeCapability } from './verify-signed-data';

/** `capabilities[i]` is what recipient i announced; null when nothing is known about it. */
export function chooseSendCipher(capabilities: (SmimeCapability[] | null)[], options: { everyoneReadsGcm?: boolean } = {}): SendCipher {
  if (options.everyoneReadsGcm) return 'aes-256-gcm';
  const readsGcm = (known: SmimeCapability[] | null) => known?.some((capability) => capability.oid === OID.aes256Gcm) ?? false;
  return capabilities.length > 0 && capabilities.every(readsGcm) ? 'aes-256-gcm' : 'aes-256-cbc';
}
