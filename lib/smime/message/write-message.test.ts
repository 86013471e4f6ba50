import { describe, expect, it } from 'vitest';

import { isSevenBitData } from '../mime/canonicalize';
import { bodyText, decodedBody, dispositionOf, filenameOf } from '../mime/part-content';
import { entityBytes, headerValue, headerValues, parseMime } from '../mime/parse-mime';
import { fakeCertificate, fakeIdentity, fakeReadEngine, fakeWriteEngine } from './fake-engines';
import { readMessage } from './read-message';
import { encryptMessage, signAndEncryptMessage, signMessage } from './write-message';

const alice = fakeCertificate('alice', ['alice@example.com']);
const bob = fakeCertificate('bob', ['bob@example.org']);
const signer = fakeIdentity(alice);

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

// As a composer writes it, but with LF line ends, 8-bit UTF-8 text and a raw UTF-8 file name.
const PLAIN = bytes(
  [
    'From: Alice <alice@example.com>',
    'To: Bob <bob@example.org>',
    'Subject: =?UTF-8?B?R3LDvMOfZQ==?=',
    'Date: Mon, 5 Jan 2026 10:00:00 +0000',
    'Message-ID: <m1@example.com>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="mix"',
    '',
    '--mix',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße, Bob',
    '--mix',
    'Content-Type: application/octet-stream',
    'Content-Disposition: attachment; filename="résumé.txt"',
    'Content-Transfer-Encoding: base64',
    '',
    'AAEC',
    '--mix--',
    '',
  ].join('\n'),
);

const OUTER = ['From', 'To', 'Subject', 'Date', 'Message-ID', 'MIME-Version'];

function readBack(raw: Uint8Array, identities = [fakeIdentity(bob)]) {
  const { engine } = fakeReadEngine({ alice, bob });
  return readMessage(raw, { engine, identities, trust: 'trust' });
}

describe('signMessage', () => {
  it('clear-signs a 7-bit CRLF inner entity and puts exactly the signed bytes in part 1', async () => {
    const { engine, calls } = fakeWriteEngine();
    const out = await signMessage(PLAIN, signer, { hash: 'SHA-384' }, engine);
    const root = parseMime(out);
    expect(root.contentType.value).toBe('multipart/signed');
    expect(root.contentType.params.get('protocol')).toBe('application/pkcs7-signature');
    expect(root.contentType.params.get('micalg')).toBe('sha-384');
    for (const name of OUTER) expect(headerValues(root, name), name).toHaveLength(1);
    expect(headerValue(root, 'subject')).toBe('=?UTF-8?B?R3LDvMOfZQ==?=');
    expect(headerValues(root, 'content-type')).toHaveLength(1);
    expect(isSevenBitData(out, false)).toBe(true);

    expect(calls.signed).toHaveLength(1);
    expect(calls.signed[0]).toMatchObject({ detached: true, hash: 'SHA-384' });
    const [content, signature] = root.children;
    expect(Array.from(entityBytes(content!))).toEqual(Array.from(calls.signed[0]!.content));
    expect(signature!.contentType.value).toBe('application/pkcs7-signature');
    expect(signature!.contentType.params.get('name')).toBe('smime.p7s');
    expect(headerValue(signature!, 'content-transfer-encoding')).toBe('base64');

    const [plain, file] = content!.children;
    expect(headerValue(plain!, 'content-transfer-encoding')).toBe('quoted-printable');
    expect(bodyText(plain!)).toBe('Grüße, Bob');
    expect(filenameOf(file!)).toBe('résumé.txt');
    expect(Array.from(decodedBody(file!))).toEqual([0, 1, 2]);
  });

  it('reads back as signed by the sender', async () => {
    const { engine } = fakeWriteEngine();
    const { report } = await readBack(await signMessage(PLAIN, signer, {}, engine));
    expect(report).toMatchObject({ signed: true, partial: false, text: 'Grüße, Bob', errors: [] });
    expect(report.signatures).toEqual([expect.objectContaining({ signerEmail: 'alice@example.com', fromMatchesSigner: true })]);
    expect(report.attachments).toEqual([expect.objectContaining({ filename: 'résumé.txt', size: 3 })]);
  });

  it('signs opaquely into application/pkcs7-mime signed-data', async () => {
    const { engine, calls } = fakeWriteEngine();
    const out = await signMessage(PLAIN, signer, { opaque: true }, engine);
    const root = parseMime(out);
    expect(root.contentType.value).toBe('application/pkcs7-mime');
    expect(root.contentType.params.get('smime-type')).toBe('signed-data');
    expect(filenameOf(root)).toBe('smime.p7m');
    expect(dispositionOf(root)).toBe('attachment');
    expect(calls.signed[0]).toMatchObject({ detached: false });
    const { report } = await readBack(out);
    expect(report.layers.map((l) => l.kind)).toEqual(['opaque-signed']);
    expect(report.signed).toBe(true);
  });

  it('adds a Content-Type to a message that has none, and refuses unknown options', async () => {
    const { engine, calls } = fakeWriteEngine();
    await signMessage(bytes('From: a@example.com\r\nSubject: x\r\n\r\nhello\r\n'), signer, {}, engine);
    expect(text(calls.signed[0]!.content)).toBe('Content-Type: text/plain; charset=us-ascii\r\n\r\nhello\r\n');
    await expect(signMessage(PLAIN, signer, { detached: true } as never, engine)).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});

describe('encryptMessage and signAndEncryptMessage', () => {
  it('encrypts the canonical inner entity to every recipient given (the caller adds itself to read its copy)', async () => {
    const { engine, calls } = fakeWriteEngine();
    const out = await encryptMessage(PLAIN, [bob, alice], { cipher: 'aes-256-gcm' }, engine);
    const root = parseMime(out);
    expect(root.contentType.params.get('smime-type')).toBe('authEnveloped-data');
    expect(headerValue(root, 'subject')).toBe('=?UTF-8?B?R3LDvMOfZQ==?=');
    expect(calls.encrypted[0]!.recipients).toEqual(['bob', 'alice']);
    expect(isSevenBitData(calls.encrypted[0]!.content, false)).toBe(true);
    const { report } = await readBack(out);
    expect(report).toMatchObject({ encrypted: true, signed: false, text: 'Grüße, Bob' });
    await expect(encryptMessage(PLAIN, [], {}, engine)).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('labels CBC output enveloped-data', async () => {
    const { engine } = fakeWriteEngine();
    const root = parseMime(await encryptMessage(PLAIN, [bob], { cipher: 'aes-256-cbc' }, engine));
    expect(root.contentType.params.get('smime-type')).toBe('enveloped-data');
  });

  it('signs, then encrypts the signed entity', async () => {
    const { engine, calls } = fakeWriteEngine();
    const out = await signAndEncryptMessage(PLAIN, signer, [bob], { signing: { hash: 'SHA-256' } }, engine);
    const encrypted = parseMime(calls.encrypted[0]!.content);
    expect(encrypted.contentType.value).toBe('multipart/signed');
    expect(Array.from(entityBytes(encrypted.children[0]!))).toEqual(Array.from(calls.signed[0]!.content));
    const { report } = await readBack(out);
    expect(report.layers.map((l) => l.kind)).toEqual(['auth-enveloped', 'clear-signed']);
    expect(report).toMatchObject({ encrypted: true, signed: true, text: 'Grüße, Bob' });
  });
});

describe('header protection (RFC 9788)', () => {
  const FIELDS = [
    { name: 'From', value: 'Alice <alice@example.com>' },
    { name: 'To', value: 'Bob <bob@example.org>' },
    { name: 'Subject', value: 'Grüße' },
    { name: 'Date', value: 'Mon, 5 Jan 2026 10:00:00 +0000' },
    { name: 'Message-ID', value: '<m1@example.com>' },
  ];

  it('signed only: hp="clear", the user-facing fields copied inside the signature, the outside unchanged', async () => {
    const { engine, calls } = fakeWriteEngine();
    const out = await signMessage(PLAIN, signer, { headerProtection: { mode: 'clear' } }, engine);
    const payload = parseMime(calls.signed[0]!.content);
    expect(payload.contentType.value).toBe('multipart/mixed');
    expect(payload.contentType.params.get('hp')).toBe('clear');
    expect(payload.contentType.params.get('boundary')).toBe('mix');
    expect(headerValue(payload, 'subject')).toBe('=?UTF-8?B?R3LDvMOfZQ==?=');
    expect(headerValues(payload, 'mime-version')).toEqual([]);
    expect(headerValues(payload, 'hp-outer')).toEqual([]);
    expect(headerValue(parseMime(out), 'subject')).toBe('=?UTF-8?B?R3LDvMOfZQ==?=');
    const { report } = await readBack(out);
    expect(report.protectedHeaders).toEqual({ mode: 'clear', fields: FIELDS, outerDiffers: [], confidential: [] });
    expect(report.signed).toBe(true);
  });

  it('encrypted with the Subject hidden: "[...]" outside, the real one inside, and HP-Outer says the sender chose it', async () => {
    const { engine, calls } = fakeWriteEngine();
    const out = await encryptMessage(PLAIN, [bob], { headerProtection: { hideSubject: true } }, engine);
    expect(headerValues(parseMime(out), 'subject')).toEqual(['[...]']);
    const payload = parseMime(calls.encrypted[0]!.content);
    expect(payload.contentType.params.get('hp')).toBe('cipher');
    expect(headerValues(payload, 'hp-outer')).toEqual([
      'From: Alice <alice@example.com>',
      'To: Bob <bob@example.org>',
      'Subject: [...]',
      'Date: Mon, 5 Jan 2026 10:00:00 +0000',
      'Message-ID: <m1@example.com>',
    ]);
    const { report, plaintext } = await readBack(out);
    // The reader shows the protected Subject and reports no change in transit.
    expect(report.protectedHeaders).toEqual({ mode: 'cipher', fields: FIELDS, outerDiffers: [], confidential: ['Subject'] });
    expect(headerValues(parseMime(plaintext), 'subject')).toEqual(['=?UTF-8?B?R3LDvMOfZQ==?=']);
  });

  it('an outer field changed after sending is reported; the Subject left visible is protected too', async () => {
    const { engine } = fakeWriteEngine();
    const out = await encryptMessage(PLAIN, [bob], { headerProtection: { hideSubject: false } }, engine);
    expect(headerValue(parseMime(out), 'subject')).toBe('=?UTF-8?B?R3LDvMOfZQ==?=');
    const changed = bytes(text(out).replace('To: Bob <bob@example.org>', 'To: Eve <eve@example.net>'));
    const { report } = await readBack(changed);
    expect(report.protectedHeaders?.outerDiffers).toEqual([{ name: 'To', outer: 'Eve <eve@example.net>' }]);
  });

  it('sign and encrypt: the payload inside the signature carries the fields; the Subject outside is hidden', async () => {
    const { engine, calls } = fakeWriteEngine();
    const out = await signAndEncryptMessage(PLAIN, signer, [bob], { headerProtection: { hideSubject: true } }, engine);
    expect(headerValues(parseMime(out), 'subject')).toEqual(['[...]']);
    expect(parseMime(calls.signed[0]!.content).contentType.params.get('hp')).toBe('cipher');
    const { report } = await readBack(out);
    expect(report).toMatchObject({ encrypted: true, signed: true, protectedHeaders: { mode: 'cipher', fields: FIELDS, outerDiffers: [], confidential: ['Subject'] } });
    // Signing first and encrypting next, as the composer does, gives the same message shape.
    const signed = await signMessage(PLAIN, signer, { headerProtection: { mode: 'cipher', hideSubject: true } }, engine);
    const twoSteps = await readBack(await encryptMessage(signed, [bob], {}, engine));
    expect(twoSteps.report.protectedHeaders).toEqual(report.protectedHeaders);
  });

  it('refuses content that already declares hp (no second, conflicting declaration)', async () => {
    const { engine } = fakeWriteEngine();
    const declared = bytes(text(PLAIN).replace('multipart/mixed; boundary="mix"', 'multipart/mixed; boundary="mix"; hp="clear"'));
    await expect(signMessage(declared, signer, { headerProtection: { mode: 'clear' } }, engine)).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});
