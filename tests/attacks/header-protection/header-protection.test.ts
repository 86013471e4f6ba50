// Attack H1 (../shared/notes/smime-stack.md section 4): the unprotected outer Subject or From of
// a signed or encrypted message is rewritten in transit. RFC 9788 header protection puts the
// sender's own header fields on the Cryptographic Payload's root (`hp="clear"` / `hp="cipher"`,
// HP-Outer for what an encrypting sender left outside). Asserted: readMessage reports the
// protected fields and names every outer field that was changed or added on the way; the entity
// the reader shows carries the protected fields, never the rewritten ones; the signer is matched
// with the protected From; nothing outside the cryptographic layers (an unsigned wrapper, a part
// deeper than the payload root, a broken signature) can make a header "protected"; a payload
// without `hp` gets no protected headers.
import fs from 'node:fs';
import path from 'node:path';

import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Identity, type TrustSettings, readMessage, softKeyFromPkcs8 } from '@/lib/smime';
import { smimeWriteEngine } from '@/lib/smime/engine';
import { parseMime, headerValue, headerValues } from '@/lib/smime/mime/parse-mime';

import { type IssuedCert, type TestPki, createTestPki, openssl } from '../../support/test-pki';

const NO_TRUST: TrustSettings = { anchors: [], fetcher: null, revocation: 'off' };
const enc = (s: string) => new TextEncoder().encode(s);
const crlf = (lines: string[]) => lines.join('\r\n');
const b64 = (der: Uint8Array) => Buffer.from(der).toString('base64').replace(/.{76}/g, '$&\r\n');

/** The header fields of the entity the reader is handed (what the reading pane shows). */
function shownHeaders(plaintext: Uint8Array) {
  const root = parseMime(plaintext);
  return { subject: headerValues(root, 'subject'), from: headerValues(root, 'from'), cc: headerValues(root, 'cc'), root };
}

/** Replaces the value of each named outer header field (before the first blank line), as a relay could. */
function rewriteOuter(raw: Uint8Array, changes: Record<string, string>): Uint8Array {
  const text = Buffer.from(raw).toString('latin1');
  const split = /\r?\n\r?\n/.exec(text)!;
  let head = text.slice(0, split.index);
  for (const [name, value] of Object.entries(changes)) {
    const field = new RegExp(`^${name}:.*(\\r?\\n[ \\t].*)*$`, 'im');
    head = field.test(head) ? head.replace(field, `${name}: ${value}`) : `${name}: ${value}\r\n${head}`;
  }
  return Buffer.from(head + text.slice(split.index), 'latin1');
}

describe('H1: RFC 9788 Appendix C test vector smime-one-part-hp (opaque signed-data, hp="clear")', () => {
  // Byte for byte as published in RFC 9788 Appendix C (signed by the RFC 9216 "Alice Lovelace" key).
  const vector = new Uint8Array(fs.readFileSync(path.join(__dirname, 'fixtures/smime-one-part-hp.eml')));

  it('reports the protected fields and no difference when nothing was changed', async () => {
    const { report, plaintext } = await readMessage(vector, { identities: [], trust: NO_TRUST });
    expect(report.signed).toBe(true);
    expect(report.signatures[0]).toMatchObject({ intact: true, signerEmail: 'alice@smime.example', fromMatchesSigner: true });
    expect(report.protectedHeaders).toEqual({
      mode: 'clear',
      fields: [
        { name: 'From', value: 'Alice <alice@smime.example>' },
        { name: 'To', value: 'Bob <bob@smime.example>' },
        { name: 'Subject', value: 'smime-one-part-hp' },
        { name: 'Date', value: 'Sat, 20 Feb 2021 10:06:02 -0500' },
        { name: 'Message-ID', value: '<smime-one-part-hp@example>' },
      ],
      outerDiffers: [],
      confidential: [],
    });
    expect(shownHeaders(plaintext).subject).toEqual(['smime-one-part-hp']);
  });

  it('names the Subject and From rewritten in transit, and shows the protected ones', async () => {
    const tampered = rewriteOuter(vector, { Subject: 'URGENT: new bank details', From: 'Alice <alice@attacker.example>' });
    const { report, plaintext } = await readMessage(tampered, { identities: [], trust: NO_TRUST });
    // The outer header is outside the signature: the signature still holds, the rewrite is reported.
    expect(report.signed).toBe(true);
    expect(report.signatures[0]).toMatchObject({ intact: true, fromMatchesSigner: true });
    expect(report.protectedHeaders?.outerDiffers).toEqual([
      { name: 'From', outer: 'Alice <alice@attacker.example>' },
      { name: 'Subject', outer: 'URGENT: new bank details' },
    ]);
    const shown = shownHeaders(plaintext);
    expect(shown.subject).toEqual(['smime-one-part-hp']);
    expect(shown.from).toEqual(['Alice <alice@smime.example>']);
  });

  it('ignores refolding of an outer field (not a change of meaning)', async () => {
    const refolded = rewriteOuter(vector, { Subject: 'smime-one-part-hp', To: 'Bob\r\n  <bob@smime.example>' });
    const { report } = await readMessage(refolded, { identities: [], trust: NO_TRUST });
    expect(report.protectedHeaders?.outerDiffers).toEqual([]);
  });
});

describe('H1: messages made here (OpenSSL and lib/smime), outer fields rewritten in transit', () => {
  let pki: TestPki;
  let alice: IssuedCert;
  let bob: IssuedCert;
  beforeAll(() => {
    pki = createTestPki('sealpost-hp-');
    alice = pki.issue({ name: 'alice', email: 'alice@example.org' });
    bob = pki.issue({ name: 'bob', email: 'bob@example.org' });
  });
  afterAll(() => pki?.cleanup());

  const certificate = (c: IssuedCert) => pkijs.Certificate.fromBER(new Uint8Array(c.certDer));
  const identity = (c: IssuedCert): Identity => ({ certificate: certificate(c), key: softKeyFromPkcs8(c.keyPkcs8) });
  const read = (raw: Uint8Array) => readMessage(raw, { identities: [identity(bob)], trust: NO_TRUST });

  const OUTER = ['From: Alice <alice@example.org>', 'To: Bob <bob@example.org>', 'Date: Fri, 20 Nov 2026 10:00:00 +0000', 'Message-ID: <hp1@example.org>', 'MIME-Version: 1.0'];

  /** The Cryptographic Payload as RFC 9788's examples write it: the sender's header fields on the payload root. */
  function payload(contentType: string, subject = 'Quarterly figures', extra: string[] = []) {
    return crlf([
      `Content-Type: ${contentType}`,
      'From: Alice <alice@example.org>',
      'To: Bob <bob@example.org>',
      `Subject: ${subject}`,
      'Date: Fri, 20 Nov 2026 10:00:00 +0000',
      'Message-ID: <hp1@example.org>',
      ...extra,
      '',
      'The figures are attached.',
      '',
    ]);
  }

  /** Encrypted to Bob by OpenSSL (an independent implementation): AuthEnvelopedData, AES-256-GCM. */
  function encryptedByOpenssl(content: string, outerSubject: string) {
    const der = new Uint8Array(openssl(['cms', '-encrypt', '-binary', '-aes-256-gcm', '-outform', 'DER', bob.certPath], content));
    return enc(
      crlf([
        ...OUTER,
        `Subject: ${outerSubject}`,
        'Content-Type: application/pkcs7-mime; smime-type=authEnveloped-data; name="smime.p7m"',
        'Content-Transfer-Encoding: base64',
        '',
        b64(der),
      ]),
    );
  }

  /** Clear-signed by lib/smime's engine over exactly `content` (multipart/signed, RFC 8551 section 3.5.3). */
  async function clearSignedByLib(content: string, outer = [...OUTER, 'Subject: Quarterly figures']) {
    const der = await smimeWriteEngine.signData(enc(content), identity(alice), { detached: true });
    return enc(
      crlf([
        ...outer,
        'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="hp-sig"',
        '',
        '--hp-sig',
        content,
        '--hp-sig',
        'Content-Type: application/pkcs7-signature; name="smime.p7s"',
        'Content-Transfer-Encoding: base64',
        '',
        b64(der),
        '--hp-sig--',
        '',
      ]),
    );
  }

  const CIPHER_PAYLOAD = payload('text/plain; charset=us-ascii; hp="cipher"', 'Quarterly figures', [
    'HP-Outer: From: Alice <alice@example.org>',
    'HP-Outer: To: Bob <bob@example.org>',
    'HP-Outer: Date: Fri, 20 Nov 2026 10:00:00 +0000',
    'HP-Outer: Message-ID: <hp1@example.org>',
    'HP-Outer: Subject: [...]',
  ]);

  it('hp="cipher": the obscured outer Subject "[...]" the sender chose is no difference; the protected Subject is shown', async () => {
    const { report, plaintext } = await read(encryptedByOpenssl(CIPHER_PAYLOAD, '[...]'));
    expect(report.encrypted).toBe(true);
    expect(report.protectedHeaders).toMatchObject({ mode: 'cipher', outerDiffers: [] });
    expect(report.protectedHeaders?.fields).toContainEqual({ name: 'Subject', value: 'Quarterly figures' });
    expect(shownHeaders(plaintext).subject).toEqual(['Quarterly figures']);
  });

  it('hp="cipher": an outer Subject rewritten in transit and a Cc added in transit are named; the added Cc is not shown', async () => {
    const tampered = rewriteOuter(encryptedByOpenssl(CIPHER_PAYLOAD, '[...]'), { Subject: 'Invoice overdue', Cc: 'Mallory <mallory@evil.example>' });
    const { report, plaintext } = await read(tampered);
    expect(report.protectedHeaders?.outerDiffers).toEqual([
      { name: 'Cc', outer: 'Mallory <mallory@evil.example>' },
      { name: 'Subject', outer: 'Invoice overdue' },
    ]);
    const shown = shownHeaders(plaintext);
    expect(shown.subject).toEqual(['Quarterly figures']);
    expect(shown.cc).toEqual([]);
  });

  it('hp="clear", clear-signed by lib/smime: the rewritten From is named, the signer matches the protected From', async () => {
    const raw = await clearSignedByLib(payload('text/plain; charset=us-ascii; hp="clear"'));
    const tampered = rewriteOuter(raw, { From: 'Carol <carol@example.org>' });
    const { report, plaintext } = await read(tampered);
    expect(report.signed).toBe(true);
    expect(report.signatures[0]).toMatchObject({ intact: true, signerEmail: 'alice@example.org', fromMatchesSigner: true });
    expect(report.protectedHeaders).toMatchObject({ mode: 'clear', outerDiffers: [{ name: 'From', outer: 'Carol <carol@example.org>' }] });
    expect(shownHeaders(plaintext).from).toEqual(['Alice <alice@example.org>']);
  });

  it('hp="cipher" on a message that is only signed is read as "clear": its HP-Outer promises nothing', async () => {
    const { report } = await read(await clearSignedByLib(CIPHER_PAYLOAD, [...OUTER, 'Subject: [...]']));
    // Compared with the protected Subject, not with the HP-Outer record "[...]".
    expect(report.protectedHeaders).toMatchObject({ mode: 'clear', outerDiffers: [{ name: 'Subject', outer: '[...]' }] });
  });

  it('a payload without hp gets no protected headers (signed or encrypted)', async () => {
    const plain = payload('text/plain; charset=us-ascii');
    expect((await read(await clearSignedByLib(plain))).report.protectedHeaders).toBeUndefined();
    expect((await read(encryptedByOpenssl(plain, 'Quarterly figures'))).report.protectedHeaders).toBeUndefined();
  });

  it('an unsigned message cannot declare its own headers protected', async () => {
    const raw = enc(crlf([...OUTER, 'Subject: Quarterly figures', 'Content-Type: text/plain; hp="clear"', '', 'Hello', '']));
    const { report } = await read(raw);
    expect(report.layers).toEqual([]);
    expect(report.protectedHeaders).toBeUndefined();
  });

  it('an unsigned wrapper around a signed hp part injects nothing: the part is not the payload root', async () => {
    const signed = Buffer.from(await clearSignedByLib(payload('text/plain; charset=us-ascii; hp="clear"', 'Pay Mallory'), [])).toString('latin1');
    const raw = enc(
      crlf([...OUTER, 'Subject: Quarterly figures', 'Content-Type: multipart/mixed; boundary="wrap"', '', '--wrap', 'Content-Type: text/plain', '', 'Read below.', '--wrap', signed, '--wrap--', '']),
    );
    const { report, plaintext } = await read(raw);
    expect(report.partial).toBe(true);
    expect(report.protectedHeaders).toBeUndefined();
    expect(headerValue(parseMime(plaintext), 'subject')).toBe('Quarterly figures');
  });

  it('hp on a part below the payload root is ignored', async () => {
    const inner = crlf([
      'Content-Type: multipart/mixed; boundary="in"',
      '',
      '--in',
      payload('text/plain; charset=us-ascii; hp="clear"', 'Pay Mallory'),
      '--in--',
      '',
    ]);
    const { report } = await read(await clearSignedByLib(inner));
    expect(report.signed).toBe(true);
    expect(report.protectedHeaders).toBeUndefined();
  });

  it('a broken signature protects no header', async () => {
    const raw = Buffer.from(await clearSignedByLib(payload('text/plain; charset=us-ascii; hp="clear"'))).toString('latin1');
    const altered = enc(raw.replace('Subject: Quarterly figures\r\nDate', 'Subject: Pay Mallory now\r\nDate'));
    const { report } = await read(altered);
    expect(report.signatures[0]?.intact).toBe(false);
    expect(report.protectedHeaders).toBeUndefined();
  });
});
