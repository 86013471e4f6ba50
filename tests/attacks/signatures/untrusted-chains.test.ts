// Trust issues ("Johnny, You Are Fired!", Müller et al., USENIX Security 2019, section 4.3; row
// C4 of ../shared/notes/smime-stack.md section 4): Nine, Claws and Trojitá showed signatures by
// self-signed or untrusted certificates like valid ones. Asserted: a signer whose certificate is
// self-signed, or chains to a look-alike root the message carries (same name, same serial as the
// trusted root, another key), is intact but never 'trusted', with a reason saying so; the same
// signer under the real root is 'trusted' (control).
import fs from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signMessage, softKeyFromPkcs8 } from '@/lib/smime';
import { makeTestIdentity } from '@/lib/keystore/test-identities';

import { type AttackPki, PAYMENT, attackPki, bytes } from '../support/attack-messages';
import { createTestPki, openssl, type TestPki } from '../../support/test-pki';

let p: AttackPki;
let lookAlike: TestPki;
beforeAll(() => {
  p = attackPki('sealpost-c4-');
  lookAlike = createTestPki('sealpost-c4-lookalike-');
});
afterAll(() => {
  p?.pki.cleanup();
  lookAlike?.cleanup();
});

describe('C4: untrusted chains', () => {
  it('a self-signed signer certificate carried in the message is never trusted', async () => {
    const self = await makeTestIdentity('alice@example.org');
    const message = await signMessage(PAYMENT, { certificate: self.certificate, key: softKeyFromPkcs8(self.pkcs8) });
    const { report } = await p.read(message);
    expect(report.signatures).toHaveLength(1);
    const [signature] = report.signatures;
    expect(signature).toMatchObject({ signerEmail: 'alice@example.org', intact: true, fromMatchesSigner: true });
    expect(signature!.chain).not.toBe('trusted');
    expect(signature!.certificate!.selfSigned).toBe(true);
    expect(signature!.reasons.length).toBeGreaterThan(0);
  });

  it('a chain to a look-alike "Test Root CA" the message carries is never trusted; the real root is (control)', async () => {
    const fake = lookAlike.issue({ name: 'alice', email: 'alice@example.org' });
    expect(fs.readFileSync(lookAlike.root.certPath, 'utf8')).not.toBe(fs.readFileSync(p.pki.root.certPath, 'utf8'));
    const entity = p.pki.file('entity');
    fs.writeFileSync(entity, 'Content-Type: text/plain\r\n\r\nPay Eve 1000 euros.\r\n');
    const sign = (signer: typeof fake, extra: string[]) =>
      bytes(openssl(['cms', '-sign', '-in', entity, '-signer', signer.certPath, '-inkey', signer.keyPath, ...extra, '-from', 'alice@example.org', '-to', 'bob@example.org', '-subject', 'Pay']).toString('latin1'));
    const forged = (await p.read(sign(fake, ['-certfile', lookAlike.root.certPath]))).report;
    expect(forged.signatures).toMatchObject([{ signerEmail: 'alice@example.org', intact: true }]);
    expect(forged.signatures[0]!.chain).not.toBe('trusted');
    expect(forged.signatures[0]!.reasons.length).toBeGreaterThan(0);
    const genuine = (await p.read(sign(p.alice, []))).report;
    expect(genuine.signatures).toMatchObject([{ signerEmail: 'alice@example.org', intact: true, chain: 'trusted' }]);
  });
});
