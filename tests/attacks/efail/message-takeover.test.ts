// S/MIME message takeover and signature stripping (Strenzke 2016, cryptosource.de; Davis 2001,
// "Defective Sign & Encrypt"; row E10 of ../shared/notes/smime-stack.md section 4). Eve takes an
// encrypted message Alice sent to Bob and signs it herself, outside the encryption: her signature
// is genuine, but she signed ciphertext she may never have read. Asserted: every signature layer
// says what its signers signed (layers[].signs: 'encrypted-content' outside an encryption layer,
// 'content' inside it); an outer signer is never reported as signing the content, and a message
// whose only signatures are over ciphertext is not "signed".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { securityBanner } from '@/lib/reading/security-banner';
import { type MessageReport, encryptMessage, signAndEncryptMessage, signMessage } from '@/lib/smime';

import { type AttackPki, PAYMENT, attackPki, bytes, latin1 } from '../support/attack-messages';

let p: AttackPki;
beforeAll(() => {
  p = attackPki('sealpost-efail-takeover-');
});
afterAll(() => p?.pki.cleanup());

/** The reader's banner lines for a report, with the From Eve wrote. */
const bannerLines = (report: MessageReport) =>
  securityBanner({ report, decryptedFor: [], problem: null, keyChangeWarnings: [], from: 'eve@example.org', policy: null })?.lines.map((l) => [l.tone, l.text]);

/** Eve's takeover: the message's headers rewritten to come from her, then signed by her. */
async function takenOverByEve(message: Uint8Array): Promise<Uint8Array> {
  const asEve = bytes(latin1(message).replace('From: Alice <alice@example.org>', 'From: Eve <eve@example.org>'));
  return signMessage(asEve, p.identity(p.eve));
}

describe('E10: message takeover', () => {
  it('encrypt-then-sign by another signer: Eve signed only the ciphertext, and the content is not "signed"', async () => {
    const encrypted = await encryptMessage(PAYMENT, [p.certificate(p.bob)], { cipher: 'aes-256-gcm' });
    const { report } = await p.read(await takenOverByEve(encrypted));
    expect(report.layers.map((l) => [l.kind, l.signs])).toEqual([
      ['clear-signed', 'encrypted-content'],
      ['auth-enveloped', undefined],
    ]);
    // Eve's signature holds and names her; it is over the envelope, so the content is not signed.
    expect(report.signatures).toMatchObject([{ signerEmail: 'eve@example.org', intact: true, chain: 'trusted', fromMatchesSigner: true }]);
    expect(report).toMatchObject({ signed: false, encrypted: true, text: 'Pay Bob 10 euros.\r\n' });
    // The banner says what Eve signed, and never that the message is signed (before: "malformed").
    expect(bannerLines(report)).toEqual([
      ['good', 'Encrypted with AES-256-GCM.'],
      ['warning', 'eve@example.org signed only the encrypted envelope, not the message inside: that does not show who wrote it. It is not shown as signed.'],
    ]);
  });

  it('sign-then-encrypt-then-sign with a different outer signer: each signer reported with the layer it covers', async () => {
    const inner = await signAndEncryptMessage(PAYMENT, p.identity(p.alice), [p.certificate(p.bob)], { encryption: { cipher: 'aes-256-gcm' } });
    const { report } = await p.read(await takenOverByEve(inner));
    expect(report.layers.map((l) => [l.kind, l.signs, l.signatures?.map((s) => s.signerEmail)])).toEqual([
      ['clear-signed', 'encrypted-content', ['eve@example.org']],
      ['auth-enveloped', undefined, undefined],
      ['clear-signed', 'content', ['alice@example.org']],
    ]);
    // The content is Alice's: no layer that covers it names Eve.
    const contentSigners = report.layers.filter((l) => l.signs === 'content').flatMap((l) => l.signatures ?? []);
    expect(contentSigners.map((s) => s.signerEmail)).toEqual(['alice@example.org']);
    expect(report.signed).toBe(true);
    // ... and Alice is not the From Eve wrote: her signature does not match the sender shown.
    expect(contentSigners[0]).toMatchObject({ intact: true, fromMatchesSigner: false });
    // The banner judges Alice, the author, and names Eve only as the envelope's signer.
    expect(bannerLines(report)).toEqual([
      ['good', 'Encrypted with AES-256-GCM.'],
      ['danger', 'Signed by alice@example.org, but the message says it is from eve@example.org.'],
      ['info', 'eve@example.org also signed the encrypted envelope; that signature covers only the encrypted form, not what the message says.'],
    ]);
  });

  it('control: Alice signing her own message inside the encryption is "signed" content, sign-then-encrypt', async () => {
    const { report } = await p.read(await signAndEncryptMessage(PAYMENT, p.identity(p.alice), [p.certificate(p.bob)], { encryption: { cipher: 'aes-256-gcm' } }));
    expect(report.layers.map((l) => [l.kind, l.signs])).toEqual([
      ['auth-enveloped', undefined],
      ['clear-signed', 'content'],
    ]);
    expect(report).toMatchObject({ signed: true, encryptionIntegrity: 'aead' });
    expect(report.signatures).toMatchObject([{ signerEmail: 'alice@example.org', intact: true, fromMatchesSigner: true }]);
  });
});
