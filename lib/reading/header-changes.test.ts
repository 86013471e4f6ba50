import { describe, expect, it } from 'vitest';

import type { MessageReport, ProtectedHeadersReport } from '../smime';
import { headerChangeSentences } from './header-changes';
import { securityBanner } from './security-banner';

const headers = (outerDiffers: ProtectedHeadersReport['outerDiffers']): ProtectedHeadersReport => ({
  mode: 'clear',
  fields: [
    { name: 'From', value: 'Alice <alice@example.org>' },
    { name: 'Subject', value: 'Quarterly figures' },
    { name: 'Reply-To', value: 'alice@example.org' },
  ],
  outerDiffers,
  confidential: [],
});

describe('headerChangeSentences', () => {
  it('says nothing without header protection or without differences', () => {
    expect(headerChangeSentences(undefined)).toEqual([]);
    expect(headerChangeSentences(headers([]))).toEqual([]);
  });

  it('names each changed field and quotes what it read in transit', () => {
    expect(
      headerChangeSentences(
        headers([
          { name: 'From', outer: 'Alice <alice@attacker.example>' },
          { name: 'Subject', outer: 'URGENT: new bank details' },
          { name: 'Reply-To', outer: 'mallory@evil.example' },
          { name: 'Cc', outer: 'Mallory <mallory@evil.example>' },
        ]),
      ),
    ).toEqual([
      'The sender (From) shown is the one the sender protected; in transit it read: “Alice <alice@attacker.example>”.',
      'The subject shown is the one the sender protected; in transit it read: “URGENT: new bank details”.',
      'The Reply-To the sender protected is used; in transit it read: “mallory@evil.example”.',
      'A Cc field was added in transit and is ignored: “Mallory <mallory@evil.example>”.',
    ]);
  });

  it('cuts a long outer value and puts repeated fields on one line', () => {
    const [long] = headerChangeSentences(headers([{ name: 'Subject', outer: 'x'.repeat(300) }]));
    expect(long).toBe(`The subject shown is the one the sender protected; in transit it read: “${'x'.repeat(120)}…”.`);
    const [twice] = headerChangeSentences(headers([{ name: 'Subject', outer: 'one\ntwo' }]));
    expect(twice).toContain('“one, two”');
  });
});

describe('securityBanner with header protection', () => {
  it('keeps the signature headline first and adds one warning line per changed field', () => {
    const report: MessageReport = {
      encrypted: true,
      contentCipher: 'aes-256-gcm',
      keyTransport: 'rsa-oaep',
      weakCipher: false,
      encryptionIntegrity: 'aead',
      signed: false,
      partial: false,
      signatures: [],
      layers: [{ kind: 'auth-enveloped', partPath: '', errors: [] }],
      text: '',
      attachments: [],
      errors: [],
      protectedHeaders: headers([{ name: 'Subject', outer: 'Invoice overdue' }]),
    };
    const banner = securityBanner({ report, decryptedFor: [], problem: null, keyChangeWarnings: [], from: null, policy: null })!;
    expect(banner.lines.map((l) => l.text)).toEqual([
      'Encrypted with AES-256-GCM.',
      'It is not signed: nothing proves who sent it.',
      'The subject shown is the one the sender protected; in transit it read: “Invoice overdue”.',
    ]);
    expect(banner.lines[2]).toMatchObject({ kind: 'warning', tone: 'warning' });
    expect(banner.tone).toBe('warning');
  });
});
