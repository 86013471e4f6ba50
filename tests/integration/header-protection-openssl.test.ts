// RFC 9788 header protection as we write it, judged by OpenSSL: `openssl cms -decrypt` and
// `-verify` accept the messages, and what they hand back (the Cryptographic Payload) carries the
// user-facing header fields, hp="clear" or hp="cipher", and for "cipher" the HP-Outer record of
// what travelled outside. A legacy S/MIME client therefore still opens them.
import fs from 'node:fs';

import * as pkijs from 'pkijs';
import { afterAll, describe, expect, it } from 'vitest';

import { encryptMessage, signAndEncryptMessage, signMessage, softKeyFromPkcs8, type Identity } from '@/lib/smime';

import { createTestPki, openssl } from '../support/test-pki';

const pki = createTestPki('sealpost-hp-openssl-');
afterAll(() => pki.cleanup());

const alice = pki.issue({ name: 'alice', key: 'rsa-2048', email: 'alice@example.test' });
const bob = pki.issue({ name: 'bob', key: 'rsa-2048', email: 'bob@example.test' });
const signer: Identity = { certificate: pkijs.Certificate.fromBER(new Uint8Array(alice.certDer)), key: softKeyFromPkcs8(alice.keyPkcs8) };
const bobCertificate = pkijs.Certificate.fromBER(new Uint8Array(bob.certDer));

const MESSAGE = new TextEncoder().encode(
  [
    'From: Alice <alice@example.test>',
    'To: bob@example.test',
    'Subject: Acquisition of Example Corp',
    'Date: Mon, 23 Nov 2026 10:00:00 +0000',
    'Message-ID: <hp-1@example.test>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'The board agreed.',
    '',
  ].join('\r\n'),
);

let counter = 0;
const file = (bytes: Uint8Array | Buffer) => {
  const name = pki.file(`hp-${++counter}.eml`);
  fs.writeFileSync(name, bytes);
  return name;
};
const decrypt = (raw: Uint8Array) => openssl(['cms', '-decrypt', '-in', file(raw), '-recip', bob.certPath, '-inkey', bob.keyPath]);
const verify = (raw: Uint8Array | Buffer) => openssl(['cms', '-verify', '-in', file(raw), '-CAfile', pki.root.certPath]);
/** The header block of an entity, unfolded, one field per line. */
const headerLines = (entity: Buffer) => entity.toString('latin1').split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
const outerSubject = (raw: Uint8Array) => headerLines(Buffer.from(raw)).filter((l) => /^subject:/i.test(l));

describe('RFC 9788 header protection, read by OpenSSL', () => {
  it('signed only: openssl cms -verify hands back the payload with hp="clear" and the fields; nothing outside changes', async () => {
    const raw = await signMessage(MESSAGE, signer, { headerProtection: { mode: 'clear' } });
    expect(outerSubject(raw)).toEqual(['Subject: Acquisition of Example Corp']);
    const payload = headerLines(verify(raw));
    expect(payload).toEqual(
      expect.arrayContaining([
        'From: Alice <alice@example.test>',
        'Subject: Acquisition of Example Corp',
        'Message-ID: <hp-1@example.test>',
        'Content-Type: text/plain; charset=us-ascii; hp="clear"',
      ]),
    );
    expect(payload.some((l) => /^hp-outer:/i.test(l))).toBe(false);
  });

  it('encrypted with the Subject hidden: "[...]" outside; openssl cms -decrypt finds the real Subject and HP-Outer inside', async () => {
    const raw = await encryptMessage(MESSAGE, [bobCertificate], { cipher: 'aes-256-cbc', headerProtection: { hideSubject: true } });
    expect(outerSubject(raw)).toEqual(['Subject: [...]']);
    expect(Buffer.from(raw).toString('latin1')).not.toContain('Acquisition');
    const payload = headerLines(decrypt(raw));
    expect(payload).toEqual(
      expect.arrayContaining(['Subject: Acquisition of Example Corp', 'Content-Type: text/plain; charset=us-ascii; hp="cipher"', 'HP-Outer: Subject: [...]', 'HP-Outer: To: bob@example.test']),
    );
  });

  it('signed and encrypted: decrypt, then verify, gives the protected payload', async () => {
    const raw = await signAndEncryptMessage(MESSAGE, signer, [bobCertificate], { encryption: { cipher: 'aes-256-cbc' }, headerProtection: { hideSubject: true } });
    expect(outerSubject(raw)).toEqual(['Subject: [...]']);
    const payload = verify(decrypt(raw));
    expect(headerLines(payload)).toEqual(expect.arrayContaining(['Subject: Acquisition of Example Corp', 'HP-Outer: Subject: [...]']));
    expect(payload.toString('latin1')).toContain('The board agreed.');
  });
});
