// The Sealpost engine (lib/smime/cms) behind the benchmark's six operations, with the same
// algorithms as the OpenSSL reference: SHA-256 RSA PKCS#1 v1.5 signatures with signed attributes,
// AES-256-CBC content encrypted to RSA-OAEP (SHA-256). Bundled for Chromium too: nothing Node-only.
import * as pkijs from 'pkijs';

import { decryptEnvelope } from '../../lib/smime/cms/decrypt-envelope';
import { encryptEnvelope } from '../../lib/smime/cms/encrypt-envelope';
import { signData } from '../../lib/smime/cms/sign-data';
import { verifySignedData, type VerifySignedDataOptions } from '../../lib/smime/cms/verify-signed-data';
import type { Identity } from '../../lib/smime/keys/key-operations';
import { describePkcs8, softKey } from '../../lib/smime/keys/soft-key';
import type { BenchMaterial, Operations } from './operations';

function identity({ certificateDer, pkcs8 }: BenchMaterial['signer']): Identity {
  return { certificate: pkijs.Certificate.fromBER(new Uint8Array(certificateDer)), key: softKey(describePkcs8(pkcs8), async () => pkcs8) };
}

async function verified(der: Uint8Array, options: VerifySignedDataOptions): Promise<Uint8Array | null> {
  const check = await verifySignedData(der, options);
  const problem = check.signers.length === 0 ? 'no signer' : check.signers.flatMap((signer) => signer.reasons).join(' ');
  if (problem) throw new Error(`Sealpost did not verify the signature: ${problem}`);
  return check.content;
}

export async function createOperations(material: BenchMaterial): Promise<Operations> {
  const signer = identity(material.signer);
  const recipient = identity(material.recipient);
  const encrypt = async (content: Uint8Array) =>
    (await encryptEnvelope(content, [recipient.certificate], { cipher: 'aes-256-cbc', rsaPadding: 'oaep', oaepHash: 'SHA-256' })).der;
  return {
    sign: (content) => signData(content, signer, { detached: true }),
    verify: async (signed, content) => {
      await verified(signed, { detachedContent: content });
    },
    encrypt,
    decrypt: async (der) => (await decryptEnvelope(der, [recipient])).content,
    signEncrypt: async (content) => encrypt(await signData(content, signer, { detached: false })),
    decryptVerify: async (der) => {
      // The plaintext is ours alone: verified in place rather than copied once more.
      const content = await verified((await decryptEnvelope(der, [recipient])).content, { inputHandedOver: true });
      if (!content) throw new Error('The signed data inside carries no content.');
      return content;
    },
  };
}
