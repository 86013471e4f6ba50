import crypto from 'node:crypto';
import fs from 'node:fs';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { ApiRequestError } from '@/lib/api/request-error';
import { type SendTransport, sendProtected } from '@/lib/api/send-protected';
import { buildProtected } from '@/lib/compose/build-protected';
import type { CandidateCertificate } from '@/lib/compose/recipient-assessment';
import { planProtectedSend } from '@/lib/compose/send-plan';
import { DEFAULT_SECURITY_POLICY } from '@/lib/policy/security-policy';
import { type Identity, type TrustSettings, readCertificates, readMessage, softKeyFromPkcs8 } from '@/lib/smime';

import { stubAppEnv } from '../support/app-env';
import { withImapUser } from '../support/imap-user';
import { pkiManifest } from '../support/stack';

// A protected message with Bcc recipients through the real stack: lib/compose plans and builds
// it with the demo PKI (To bob, Bcc carol and dave), lib/api's sendProtected sends the main
// message and each Bcc copy one by one through sendMessage (what POST /api/send runs) over SMTP;
// then each user's mailbox is read over IMAP: every Bcc recipient got bytes of their own that
// only they (and the sender) can open, and Sent holds the main message.

type SendModule = typeof import('@/server/mail/send-message');
type SessionsModule = typeof import('@/server/session/sessions');
type Session = import('@/server/session/session-store').Session;

let send: SendModule;
let sessions: SessionsModule;
let smtp: typeof import('@/server/smtp/smtp-client');
let session: Session;
const users: Record<string, Identity> = {};
let trust: TrustSettings;

const pemBody = (pem: string) => Uint8Array.from(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));

beforeAll(async () => {
  stubAppEnv();
  send = await import('@/server/mail/send-message');
  sessions = await import('@/server/session/sessions');
  smtp = await import('@/server/smtp/smtp-client');
  session = sessions.sessionStore().create('alice', 'alice@sealpost.test', 'alice-pass', '127.0.0.1');
  const manifest = pkiManifest();
  for (const name of ['alice', 'bob', 'carol', 'dave']) {
    const user = manifest.users[name]!;
    users[name] = {
      certificate: readCertificates(new Uint8Array(fs.readFileSync(user.certDer)))[0]!,
      key: softKeyFromPkcs8(pemBody(fs.readFileSync(user.key, 'utf8'))),
      chain: readCertificates(new Uint8Array(fs.readFileSync(manifest.issuing.certDer))),
    };
  }
  // Revocation is not the subject here (dave's demo certificate is revoked): the planner's unit tests cover it.
  trust = { anchors: readCertificates(new Uint8Array(fs.readFileSync(manifest.trustAnchors))), knownCertificates: users.alice!.chain, revocation: 'off' };
});

afterAll(() => {
  if (session) sessions.sessionStore().destroy(session.id);
  vi.unstubAllEnvs();
});

async function inboxCopies(user: string, id: string): Promise<Buffer[]> {
  return withImapUser(user, async (client) => {
    const folder = user === 'alice' ? ((await client.list()).find((f) => f.specialUse === '\\Sent')?.path ?? 'Sent') : 'INBOX';
    const lock = await client.getMailboxLock(folder, { readOnly: true });
    try {
      const uids = await client.search({ header: { 'message-id': `<${id}@sealpost.test>` } }, { uid: true });
      const found: Buffer[] = [];
      if (uids && uids.length) for await (const m of client.fetch(uids, { source: true }, { uid: true })) if (m.source) found.push(m.source);
      return found;
    } finally {
      lock.release();
    }
  });
}

/**
 * Removes the test's copies again: dave's seeded Inbox must stay as seeded (the e2e tests read
 * its newest message; the integration tests deliver to bob and carol only).
 */
async function removeCopies(user: string, id: string): Promise<void> {
  await withImapUser(user, async (client) => {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const uids = await client.search({ header: { 'message-id': `<${id}@sealpost.test>` } }, { uid: true });
      if (uids && uids.length) await client.messageDelete(uids, { uid: true });
    } finally {
      lock.release();
    }
  });
}

/** The delivered bytes without the Return-Path line Dovecot puts in front. */
const delivered = (source: Buffer) => source.subarray(source.indexOf('\r\n') + 2);

/** sendProtected's transport as the routes run it, errors mapped as the browser reads them. */
function serverTransport(): SendTransport {
  const asBrowserError = (err: unknown) => {
    if (!(err instanceof smtp.SmtpRejectedError)) return err;
    const { error } = err.toApiError();
    return new ApiRequestError(error.code, error.message, smtp.SMTP_REJECTED_STATUS);
  };
  return {
    send: (raw, to, saveToSent) => send.sendMessage(session, { raw: Buffer.from(raw), envelope: { to }, saveToSent }).catch((err: unknown) => Promise.reject(asBrowserError(err))),
    storeSent: (raw) => send.storeSentCopy(session, Buffer.from(raw)),
  };
}

async function text(user: string, raw: Uint8Array): Promise<string> {
  return (await readMessage(raw, { identities: [users[user]!], trust })).report.text;
}

describe('a protected message with Bcc recipients through SMTP', () => {
  it('delivers each Bcc recipient bytes of their own, readable only by them and the sender', async () => {
    const id = crypto.randomUUID();
    const certificates = {
      async recipientCertificates(address: string): Promise<CandidateCertificate[]> {
        const name = address.split('@')[0]!;
        return users[name] ? [{ certificate: users[name].certificate, origin: 'directory', capabilities: null }] : [];
      },
    };
    const plan = await planProtectedSend(
      { from: 'alice@sealpost.test', to: ['bob@sealpost.test'], cc: [], bcc: ['carol@sealpost.test', 'dave@sealpost.test'], sign: true, encrypt: true, sendUnencryptedTo: [] },
      { signer: users.alice!, ownCertificate: users.alice!.certificate },
      { certificates, trust, policy: DEFAULT_SECURITY_POLICY },
    );
    expect(plan.problems).toEqual([]);
    const message = [
      'From: alice@sealpost.test',
      'To: bob@sealpost.test',
      'Subject: separate copies',
      'Date: Mon, 23 Nov 2026 10:00:00 +0000',
      `Message-ID: <${id}@sealpost.test>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Only for the eyes of bob, carol and dave.',
      '',
    ].join('\r\n');
    const built = await buildProtected(new TextEncoder().encode(message), plan);
    const outcome = await sendProtected(serverTransport(), { raw: built.raw, to: built.to }, built.separate, () => {});
    expect(outcome).toMatchObject({
      sent: true,
      savedToSent: true,
      separate: [
        { to: ['carol@sealpost.test'], sent: true },
        { to: ['dave@sealpost.test'], sent: true },
      ],
    });

    const [bobs, ...moreBob] = await inboxCopies('bob', id);
    const [carols, ...moreCarol] = await inboxCopies('carol', id);
    const [daves, ...moreDave] = await inboxCopies('dave', id);
    await removeCopies('dave', id);
    expect(await inboxCopies('dave', id)).toEqual([]);
    const [sent, ...moreSent] = await inboxCopies('alice', id);
    expect([moreBob, moreCarol, moreDave, moreSent]).toEqual([[], [], [], []]);
    expect(delivered(bobs!).equals(Buffer.from(built.raw))).toBe(true);
    expect(delivered(carols!).equals(Buffer.from(built.separate[0]!.raw))).toBe(true);
    expect(delivered(daves!).equals(Buffer.from(built.separate[1]!.raw))).toBe(true);
    expect(sent!.equals(Buffer.from(built.raw))).toBe(true);
    expect(delivered(carols!).equals(delivered(daves!))).toBe(false);

    const secret = 'Only for the eyes of bob, carol and dave.';
    expect(await text('bob', delivered(bobs!))).toContain(secret);
    expect(await text('carol', delivered(carols!))).toContain(secret);
    expect(await text('dave', delivered(daves!))).toContain(secret);
    expect(await text('alice', sent!)).toContain(secret);
    // Nobody opens another's envelope: the Bcc recipients are not in the main message, nor in each other's.
    expect(await text('carol', delivered(bobs!))).not.toContain(secret);
    expect(await text('bob', delivered(carols!))).not.toContain(secret);
    expect(await text('dave', delivered(carols!))).not.toContain(secret);
    expect(await text('carol', delivered(daves!))).not.toContain(secret);
  });

  it('reports a refused Bcc copy for its recipient and still delivers and stores the rest', async () => {
    const id = crypto.randomUUID();
    const raw = (to: string) => Buffer.from(`From: alice@sealpost.test\r\nTo: ${to}\r\nSubject: refused copy\r\nMessage-ID: <${id}@sealpost.test>\r\n\r\nHello.\r\n`);
    const outcome = await sendProtected(serverTransport(), { raw: raw('bob@sealpost.test'), to: ['bob@sealpost.test'] }, [{ raw: raw('someone@example.com'), to: ['someone@example.com'] }], () => {});
    expect(outcome.savedToSent).toBe(true);
    expect(outcome.separate).toEqual([{ to: ['someone@example.com'], sent: false, error: { code: 'smtp-rejected', message: expect.any(String) } }]);
    expect(outcome.separate[0]!.error!.message).toContain('Relaying to <someone@example.com> denied');
    expect(await inboxCopies('bob', id)).toHaveLength(1);
  });
});
