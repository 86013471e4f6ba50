import { describe, expect, it } from 'vitest';

import { parseMime } from '../mime/parse-mime';
import { readProtectedHeaders } from './protected-headers';

const entity = (lines: string[]) => parseMime(new TextEncoder().encode(`${lines.join('\r\n')}\r\n\r\nbody\r\n`));
const OUTER = entity(['From: a@example.org', 'Subject: =?UTF-8?B?R3LDvMOfZQ==?=', 'Content-Type: application/pkcs7-mime; smime-type=enveloped-data']);
const SIGNED = { encrypted: false, signatures: 'intact' } as const;
const ENCRYPTED = { encrypted: true, signatures: 'none' } as const;

describe('readProtectedHeaders', () => {
  it('compares RFC 2047 decoded values: an encoded outer Subject equal to the protected one is no difference', () => {
    const payload = entity(['Content-Type: text/plain; hp=clear', 'From: a@example.org', 'Subject: Grüße']);
    expect(readProtectedHeaders(payload, OUTER, SIGNED)).toEqual({
      mode: 'clear',
      fields: [
        { name: 'From', value: 'a@example.org' },
        { name: 'Subject', value: 'Grüße' },
      ],
      outerDiffers: [],
      confidential: [],
    });
  });

  it('hp="cipher": fields the HP-Outer record leaves out or obscures are confidential, the others not', () => {
    const payload = entity([
      'Content-Type: text/plain; hp="cipher"',
      'From: a@example.org',
      'Cc: c@example.org',
      'Subject: Grüße',
      'HP-Outer: From: a@example.org',
      'HP-Outer: Subject: [...]',
    ]);
    expect(readProtectedHeaders(payload, OUTER, ENCRYPTED)).toMatchObject({ confidential: ['Cc', 'Subject'] });
    // hp="clear" (or "cipher" on a message that was not encrypted) keeps nothing confidential.
    expect(readProtectedHeaders(payload, OUTER, SIGNED)).toMatchObject({ mode: 'clear', confidential: [] });
  });

  it('hp="cipher" without any HP-Outer field falls back to comparing with the protected copy', () => {
    const payload = entity(['Content-Type: text/plain; hp="cipher"', 'From: a@example.org', 'Subject: Other']);
    expect(readProtectedHeaders(payload, OUTER, ENCRYPTED)).toMatchObject({ mode: 'cipher', outerDiffers: [{ name: 'Subject', outer: 'Grüße' }] });
  });

  it('hp="cipher": an outer field with no HP-Outer record was added in transit', () => {
    const payload = entity(['Content-Type: text/plain; hp="cipher"', 'From: a@example.org', 'Subject: Grüße', 'HP-Outer: Subject: Grüße']);
    expect(readProtectedHeaders(payload, OUTER, ENCRYPTED)?.outerDiffers).toEqual([{ name: 'From', outer: 'a@example.org' }]);
  });

  it('is null for an unknown hp value, the outer entity itself, or no cryptographic layer', () => {
    const payload = entity(['Content-Type: text/plain; hp="maybe"', 'Subject: Grüße']);
    expect(readProtectedHeaders(payload, OUTER, SIGNED)).toBeNull();
    expect(readProtectedHeaders(OUTER, OUTER, SIGNED)).toBeNull();
    const declared = entity(['Content-Type: text/plain; hp="clear"', 'Subject: Grüße']);
    expect(readProtectedHeaders(declared, OUTER, { encrypted: false, signatures: 'none' })).toBeNull();
    expect(readProtectedHeaders(declared, OUTER, { encrypted: true, signatures: 'broken' })).toBeNull();
  });
});
