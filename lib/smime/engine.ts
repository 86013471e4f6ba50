// The real engine behind message reading and writing: the CMS and certificate modules, wired into
// the interfaces message/ walks through (message/engine.ts). Tests of the walk use fakes; every
// caller outside tests uses these.
import { certificateEmails, summarizeCertificate } from './certs/describe-certificate';
import { type TrustSettings, validateCertificate } from './certs/validate-certificate';
import { decompressData } from './cms/compressed-data';
import { decryptEnvelope } from './cms/decrypt-envelope';
import { encryptEnvelope } from './cms/encrypt-envelope';
import { micalg, signData } from './cms/sign-data';
import { verifySignedData } from './cms/verify-signed-data';
import type { SmimeReadEngine, SmimeWriteEngine } from './message/engine';

export const smimeReadEngine: SmimeReadEngine<TrustSettings> = {
  verifySignedData,
  validateCertificate,
  certificateEmails,
  summarizeCertificate,
  decryptEnvelope,
  decompressData: (der) => decompressData(der),
};

export const smimeWriteEngine: SmimeWriteEngine = { signData, micalg, encryptEnvelope };
