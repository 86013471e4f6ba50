import type { FetchMessageObject, MessageStructureObject } from 'imapflow';
import { describe, expect, it } from 'vitest';

import { MAX_SUBJECT_CHARS, hasAttachment, securityMark, toSummary } from './messages';

describe('hasAttachment', () => {
  const leaf = (type: string, extra: Partial<MessageStructureObject> = {}) => ({ type, part: '1', ...extra }) as MessageStructureObject;
  it('finds an attachment disposition anywhere in the tree', () => {
    const tree = { type: 'multipart/mixed', childNodes: [leaf('text/plain'), leaf('application/pdf', { disposition: 'attachment' })] } as MessageStructureObject;
    expect(hasAttachment(tree)).toBe(true);
  });
  it('counts a named part without disposition', () => {
    expect(hasAttachment({ type: 'multipart/mixed', childNodes: [leaf('text/plain'), leaf('text/csv', { parameters: { name: 'a.csv' } })] } as MessageStructureObject)).toBe(true);
  });
  it('does not count text alternatives or inline images', () => {
    const tree = {
      type: 'multipart/alternative',
      childNodes: [leaf('text/plain'), leaf('image/png', { disposition: 'inline', dispositionParameters: { filename: 'a.png' } })],
    } as MessageStructureObject;
    expect(hasAttachment(tree)).toBe(false);
  });
  it('stops at a hostile nesting depth', () => {
    let node = leaf('application/pdf', { disposition: 'attachment' });
    for (let i = 0; i < 100; i++) node = { type: 'multipart/mixed', part: '1', childNodes: [node] } as MessageStructureObject;
    expect(hasAttachment(node)).toBe(false);
  });
});

describe('toSummary', () => {
  it('turns a FETCH answer into a list row, clipping oversized fields', () => {
    const m = {
      seq: 3,
      uid: 42,
      size: 1234,
      flags: new Set(['\\Flagged']),
      envelope: { date: new Date('2026-11-20T10:00:00Z'), subject: 'x'.repeat(5000), from: [{ name: 'Zoë', address: 'zoe@example.com' }], to: [] },
      internalDate: new Date('2026-11-21T00:00:00Z'),
    } as unknown as FetchMessageObject;
    const s = toSummary(m);
    expect(s).toMatchObject({ uid: 42, size: 1234, seen: false, flagged: true, hasAttachment: false, from: { name: 'Zoë', address: 'zoe@example.com' } });
    expect(s.date).toBe('2026-11-20T10:00:00.000Z');
    expect(s.subject).toHaveLength(MAX_SUBJECT_CHARS);
  });
  it('falls back to the arrival date when the Date header is missing or broken', () => {
    const m = { seq: 1, uid: 1, flags: new Set(['\\Seen']), envelope: { date: new Date('nonsense') }, internalDate: new Date('2026-01-02T03:04:05Z') } as unknown as FetchMessageObject;
    expect(toSummary(m).date).toBe('2026-01-02T03:04:05.000Z');
    const n = { seq: 1, uid: 1, flags: new Set(), envelope: {}, internalDate: new Date('2026-01-02T03:04:05Z') } as unknown as FetchMessageObject;
    expect(toSummary(n).date).toBe('2026-01-02T03:04:05.000Z');
  });
  it('copes with what a malformed message gives: no envelope, no structure, no date, a 100-deep tree', () => {
    const bare = { seq: 1, uid: 5 } as unknown as FetchMessageObject;
    expect(toSummary(bare)).toMatchObject({ uid: 5, from: null, to: [], subject: '', size: 0, seen: false, hasAttachment: false, date: new Date(0).toISOString() });
    let node = { type: 'text/plain', part: '1' } as MessageStructureObject;
    for (let i = 0; i < 100; i++) node = { type: 'multipart/mixed', part: '1', childNodes: [node] } as MessageStructureObject;
    const deep = { seq: 2, uid: 6, envelope: { subject: 'Grüße', from: [{}] }, bodyStructure: node } as unknown as FetchMessageObject;
    expect(toSummary(deep)).toMatchObject({ subject: 'Grüße', from: { name: '', address: '' }, hasAttachment: false });
  });
});

describe('securityMark (list marks from BODYSTRUCTURE alone)', () => {
  const node = (type: string, parameters: Record<string, string> = {}, extra: Partial<MessageStructureObject> = {}) =>
    ({ type, part: '', parameters, ...extra }) as MessageStructureObject;

  it('marks clear-signed and opaque-signed mail as signed', () => {
    expect(securityMark(node('multipart/signed', { protocol: 'application/pkcs7-signature', micalg: 'sha-256' }))).toBe('signed');
    expect(securityMark(node('multipart/signed', { protocol: 'application/x-pkcs7-signature' }))).toBe('signed');
    expect(securityMark(node('application/pkcs7-mime', { 'smime-type': 'signed-data', name: 'smime.p7m' }))).toBe('signed');
    // No protocol parameter, but the second part is the signature (lib/smime reads these too).
    expect(securityMark(node('multipart/signed', {}, { childNodes: [node('text/plain'), node('application/pkcs7-signature')] }))).toBe('signed');
  });

  it('marks enveloped, authEnveloped, unknown smime-type and octet-stream .p7m as encrypted', () => {
    expect(securityMark(node('application/pkcs7-mime', { 'smime-type': 'enveloped-data' }))).toBe('encrypted');
    expect(securityMark(node('application/pkcs7-mime', { 'smime-type': 'authEnveloped-data' }))).toBe('encrypted');
    expect(securityMark(node('application/x-pkcs7-mime', {}))).toBe('encrypted');
    expect(securityMark(node('application/octet-stream', {}, { dispositionParameters: { filename: 'smime.p7m' } }))).toBe('encrypted');
  });

  it('leaves plain mail, PGP/MIME, certificate bundles and a signed part inside a mixed message unmarked', () => {
    expect(securityMark(undefined)).toBeNull();
    expect(securityMark(node('text/plain'))).toBeNull();
    expect(securityMark(node('multipart/signed', { protocol: 'application/pgp-signature' }))).toBeNull();
    expect(securityMark(node('application/pkcs7-mime', { 'smime-type': 'certs-only' }))).toBeNull();
    const mixed = node('multipart/mixed', {}, { childNodes: [node('text/plain'), node('multipart/signed', { protocol: 'application/pkcs7-signature' })] });
    expect(securityMark(mixed)).toBeNull();
  });

  it('puts the mark on the list row', () => {
    const m = { uid: 9, bodyStructure: node('application/pkcs7-mime', { 'smime-type': 'enveloped-data' }) } as unknown as FetchMessageObject;
    expect(toSummary(m).security).toBe('encrypted');
    expect(toSummary({ uid: 10 } as unknown as FetchMessageObject).security).toBeNull();
  });
});
