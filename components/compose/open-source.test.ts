import { describe, expect, it, vi } from 'vitest';

import type { ReadResult } from '@/lib/smime';

import { SourceUnreadableError, openSource } from './open-source';
import type { ComposeSecurity } from './security-context';

// Opening the original of a reply or a continued draft: an encrypted one goes through the
// security's `read` (the S/MIME worker in the app), with the user's keys and trust; what cannot
// be opened says why.

const ENCRYPTED = new TextEncoder().encode('Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQA=\r\n');
const PLAIN = new TextEncoder().encode('Subject: hi\r\n\r\nHello.\r\n');
const INSIDE = new TextEncoder().encode('Subject: inside\r\n\r\nSecret.\r\n');

function security(read: ComposeSecurity['read'], identities = async () => []): ComposeSecurity {
  return {
    identities: { identitiesForReading: identities } as never,
    trust: { trustSettings: async () => ({ anchors: [], revocation: 'off' }) } as never,
    certificates: { knownCertificates: () => [] } as never,
    read,
  };
}

const result = (text: string, errors: { message: string }[] = [], confidential?: string[]): ReadResult =>
  ({
    report: {
      encrypted: true,
      errors: [],
      layers: [{ kind: 'enveloped', errors }],
      text,
      ...(confidential ? { protectedHeaders: { mode: 'cipher', fields: [], outerDiffers: [], confidential } } : {}),
    },
    plaintext: INSIDE,
  }) as unknown as ReadResult;

describe('openSource', () => {
  it('opens an encrypted original through the given reader, with the keys and trust', async () => {
    const read = vi.fn<NonNullable<ComposeSecurity['read']>>(async () => result('Secret.'));
    const opened = await openSource(ENCRYPTED, 'reply', security(read));
    expect(read).toHaveBeenCalledTimes(1);
    expect(read.mock.calls[0]![0]).toBe(ENCRYPTED);
    expect(read.mock.calls[0]![1]).toEqual({ identities: [], trust: { anchors: [], revocation: 'off' }, knownCertificates: [] });
    expect(opened).toEqual({ content: INSIDE, encrypted: true, subjectHidden: false });
  });

  it('leaves plain originals and forwards as attachment alone', async () => {
    const read = vi.fn(async () => result(''));
    expect(await openSource(PLAIN, 'reply', security(read))).toEqual({ content: PLAIN, encrypted: false, subjectHidden: false });
    expect(await openSource(ENCRYPTED, 'forwardAsAttachment', security(read))).toEqual({ content: ENCRYPTED, encrypted: false, subjectHidden: false });
    expect(read).not.toHaveBeenCalled();
  });

  it('notes a Subject its sender kept confidential (RFC 9788), so the answer hides it too', async () => {
    const hidden = await openSource(ENCRYPTED, 'reply', security(async () => result('Secret.', [], ['Subject'])));
    expect(hidden.subjectHidden).toBe(true);
    const toOnly = await openSource(ENCRYPTED, 'reply', security(async () => result('Secret.', [], ['Cc'])));
    expect(toOnly.subjectHidden).toBe(false);
  });

  it('says why an encrypted draft cannot be opened', async () => {
    const read = vi.fn(async () => result('', [{ message: 'No private key matches this message.' }]));
    await expect(openSource(ENCRYPTED, 'draft', security(read))).rejects.toThrow(new SourceUnreadableError('This draft is encrypted and could not be opened: No private key matches this message.'));
    const locked = security(read, () => Promise.reject(new Error('locked')));
    await expect(openSource(ENCRYPTED, 'reply', locked)).rejects.toThrow('The original message is encrypted, and your keys could not be read. Unlock them and try again.');
  });
});
