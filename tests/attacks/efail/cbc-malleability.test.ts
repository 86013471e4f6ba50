// EFAIL CBC malleability gadgets (Poddebniak et al., USENIX Security 2018; row E2 of
// ../shared/notes/smime-stack.md section 4). CBC has no integrity: knowing one plaintext block (an
// S/MIME entity starts with "Content-Type: "), an attacker rewrites it by XORing the block before
// it, and splices such (C[i-1], C[i]) pairs anywhere to inject chosen text. Asserted: reading never
// throws; a changed EnvelopedData either fails with the one generic 'decryption-failed' and shows
// nothing, or opens and is reported as not integrity protected (encryptionIntegrity 'none',
// layer integrityProtected false), never signed. A signature inside the CBC layer catches the
// change; AES-GCM (E4) refuses it outright.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { encryptMessage, type ReadResult, signAndEncryptMessage } from '@/lib/smime';
import { concatBytes } from '@/lib/bytes';
import { decryptEnvelope } from '@/lib/smime/cms/decrypt-envelope';

import { type AttackPki, PAYMENT, attackPki, bytes, latin1, pkcs7Der, pkcs7Message } from '../support/attack-messages';
import { envelopeFields, reencodedWith, xor } from '../support/envelope-fields';

let p: AttackPki;
beforeAll(() => {
  p = attackPki('sealpost-efail-cbc-');
});
afterAll(() => p?.pki.cleanup());

const BLOCK = 16;

/** A CBC message to Bob, its DER, and the plaintext an attacker knows or guesses (here: all of it). */
async function cbcMessage(sign: boolean) {
  const message = sign
    ? await signAndEncryptMessage(PAYMENT, p.identity(p.alice), [p.certificate(p.bob)], { encryption: { cipher: 'aes-256-cbc' } })
    : await encryptMessage(PAYMENT, [p.certificate(p.bob)], { cipher: 'aes-256-cbc' });
  const der = pkcs7Der(message);
  const known = (await decryptEnvelope(der, [p.identity(p.bob)])).content;
  return { der, known };
}

/** The EFAIL rule: a generic failure that shows nothing, or content reported as changeable. */
function expectFailedOrFlagged({ report }: ReadResult, label: string): 'failed' | 'flagged' {
  expect(report.signed, label).toBe(false);
  expect(report.encrypted, label).toBe(true);
  const layer = report.layers[0]!;
  if (layer.contentCipher === undefined) {
    expect(report.errors, label).toEqual([{ code: 'decryption-failed', message: 'The message could not be decrypted.' }]);
    expect(report.text, label).toBe('');
    // Nothing decrypted is shown: only the encrypted part itself, as the attachment it is.
    expect(report.attachments.map((a) => a.contentType), label).toEqual(['application/pkcs7-mime']);
    return 'failed';
  }
  expect(layer, label).toMatchObject({ kind: 'enveloped', contentCipher: 'aes-256-cbc', integrityProtected: false });
  expect(report.encryptionIntegrity, label).toBe('none');
  // Garbled blocks may break the MIME: a coded report error, never an exception.
  for (const error of report.errors) expect(['malformed-mime', 'limit-exceeded'], label).toContain(error.code);
  return 'flagged';
}

describe('E2: CBC malleability gadgets', () => {
  it('an IV gadget rewrites the first block unnoticed; the report says CBC is not integrity protected', async () => {
    const { der, known } = await cbcMessage(false);
    const untouched = await p.read(pkcs7Message(der.slice(), 'enveloped-data'));
    expect(untouched.report).toMatchObject({ encryptionIntegrity: 'none', errors: [], layers: [{ kind: 'enveloped', integrityProtected: false }] });

    // C0 decrypts to D(C0) xor IV: replacing IV by IV xor P0 xor X makes the first block X.
    const chosen = bytes('X: 1\r\n\r\nPay Eve ');
    const fields = envelopeFields(der);
    fields.iv!.set(xor(fields.iv!, known.subarray(0, BLOCK), chosen));
    const forged = await p.read(pkcs7Message(der, 'enveloped-data'));
    expect(forged.report.text).toMatch(/^Pay Eve /); // the gadget worked: only the flag can warn
    expect(forged.report).toMatchObject({ signed: false, encryptionIntegrity: 'none', errors: [] });
    expect(forged.report.layers[0]).toMatchObject({ kind: 'enveloped', integrityProtected: false });
  });

  it('flipped bits, spliced gadget blocks, swapped, repeated and dropped blocks: a generic failure or a flagged report', async () => {
    const { der, known } = await cbcMessage(false);
    const { iv, ciphertext } = envelopeFields(der);
    const blocks = ciphertext.length / BLOCK;
    const gadget = xor(iv!, known.subarray(0, BLOCK), bytes('<img src="http:/'));
    const variants: [string, (c: Uint8Array) => Uint8Array][] = [];
    for (let b = 0; b < blocks; b++) {
      variants.push([`bit flipped in block ${b}`, (c) => ((c[b * BLOCK + 5]! ^= 0x20), c)]);
    }
    // EFAIL's exfiltration gadget: (IV', C0) pasted after block b decrypts to garbage, then chosen text.
    for (let b = 0; b < blocks; b++) {
      variants.push([`gadget spliced after block ${b}`, (c) => concatBytes(c.subarray(0, (b + 1) * BLOCK), gadget, c.subarray(0, BLOCK), c.subarray((b + 1) * BLOCK))]);
    }
    variants.push(['first two blocks swapped', (c) => concatBytes(c.subarray(BLOCK, 2 * BLOCK), c.subarray(0, BLOCK), c.subarray(2 * BLOCK))]);
    variants.push(['a block repeated', (c) => concatBytes(c.subarray(0, 2 * BLOCK), c.subarray(BLOCK))]);
    variants.push(['last block dropped', (c) => c.slice(0, c.length - BLOCK)]);
    variants.push(['half a block dropped', (c) => c.slice(0, c.length - BLOCK / 2)]);
    const outcomes = new Set<string>();
    for (const [label, change] of variants) {
      const forged = reencodedWith(der, { ciphertext: change(ciphertext.slice()) });
      outcomes.add(expectFailedOrFlagged(await p.read(pkcs7Message(forged, 'enveloped-data')), label));
    }
    // Both ways out were taken: most changes decrypt (CBC cannot tell), a broken padding does not.
    expect([...outcomes].sort()).toEqual(['failed', 'flagged']);
  });

  it('signed inside the CBC layer: the gadget breaks the inner signature, the untouched message is "signed-inside"', async () => {
    const { der, known } = await cbcMessage(true);
    const untouched = await p.read(pkcs7Message(der.slice(), 'enveloped-data'));
    expect(untouched.report).toMatchObject({ signed: true, encryptionIntegrity: 'signed-inside', errors: [] });

    // "Pay Bob 10" -> "Pay Bob 90": XOR the block before the digit (which decrypts to garbage).
    const at = latin1(known).indexOf('Pay Bob 10') + 'Pay Bob '.length;
    const fields = envelopeFields(der);
    const before = at < BLOCK ? fields.iv! : fields.ciphertext.subarray(Math.floor(at / BLOCK) * BLOCK - BLOCK);
    before[at % BLOCK]! ^= '1'.charCodeAt(0) ^ '9'.charCodeAt(0);
    const { report } = await p.read(pkcs7Message(der, 'enveloped-data'));
    expect(report).toMatchObject({ signed: false, encryptionIntegrity: 'none' });
    expect(report.signatures.map((s) => s.intact)).toEqual([false]);
  });
});
