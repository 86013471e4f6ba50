import { describe, expect, it } from 'vitest';

import { hasNestedSignedPart, isSmimeMessage, messageContentType, smimeLabel } from './smime-label';

const enc = (s: string) => new TextEncoder().encode(s);

describe('smimeLabel', () => {
  const label = (type: string, params: Record<string, string> = {}, extra: { filename?: string; secondPartType?: string } = {}) => smimeLabel({ type, params, ...extra });

  it('marks multipart/signed with a PKCS#7 protocol as signed, PGP/MIME as nothing', () => {
    expect(label('multipart/signed', { protocol: 'application/pkcs7-signature' })).toBe('signed');
    expect(label('multipart/signed', { protocol: 'Application/X-PKCS7-Signature' })).toBe('signed');
    expect(label('multipart/signed', { protocol: 'application/pgp-signature' })).toBeNull();
    expect(label('multipart/signed', {}, { secondPartType: 'application/pkcs7-signature' })).toBe('signed');
    expect(label('multipart/signed', {})).toBeNull();
  });

  it('reads pkcs7-mime by smime-type: opaque-signed is signed, unknown or missing is encrypted', () => {
    expect(label('application/pkcs7-mime', { 'smime-type': 'signed-data' })).toBe('signed');
    expect(label('application/x-pkcs7-mime', { 'smime-type': 'enveloped-data' })).toBe('encrypted');
    expect(label('application/pkcs7-mime', { 'smime-type': 'authEnveloped-data' })).toBe('encrypted');
    expect(label('application/pkcs7-mime', {})).toBe('encrypted');
    expect(label('application/pkcs7-mime', { 'smime-type': 'something-new' })).toBe('encrypted');
    expect(label('application/pkcs7-mime', { 'smime-type': 'certs-only' })).toBeNull();
  });

  it('counts an octet-stream named *.p7m as encrypted, nothing else', () => {
    expect(label('application/octet-stream', { name: 'smime.p7m' })).toBe('encrypted');
    expect(label('application/octet-stream', {}, { filename: 'SMIME.P7M' })).toBe('encrypted');
    expect(label('application/octet-stream', { name: 'report.pdf' })).toBeNull();
    expect(label('text/plain')).toBeNull();
    expect(label('multipart/mixed')).toBeNull();
  });
});

describe('messageContentType and isSmimeMessage', () => {
  it('reads a folded, quoted Content-Type from the header only', () => {
    const raw = enc('From: a@b\r\nContent-Type: application/pkcs7-mime;\r\n\tsmime-type="enveloped-data"; name=smime.p7m\r\n\r\nContent-Type: text/plain\r\n');
    expect(messageContentType(raw)).toEqual({ type: 'application/pkcs7-mime', params: { 'smime-type': 'enveloped-data', name: 'smime.p7m' }, filename: undefined });
    expect(isSmimeMessage(raw)).toBe(true);
  });

  it('does not take a Content-Type from the body', () => {
    const raw = enc('From: a@b\nSubject: x\n\nContent-Type: multipart/signed; protocol="application/pkcs7-signature"\n');
    expect(messageContentType(raw).type).toBe('text/plain');
    expect(isSmimeMessage(raw)).toBe(false);
  });

  it('counts octet-stream roots named .p7m/.p7s and every multipart/signed as S/MIME candidates', () => {
    expect(isSmimeMessage(enc('Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="smime.p7m"\r\n\r\nx'))).toBe(true);
    expect(isSmimeMessage(enc('Content-Type: application/octet-stream; name="sig.p7s"\r\n\r\nx'))).toBe(true);
    expect(isSmimeMessage(enc('Content-Type: application/octet-stream; name="a.zip"\r\n\r\nx'))).toBe(false);
    expect(isSmimeMessage(enc('Content-Type: multipart/signed; boundary=x\r\n\r\n'))).toBe(true);
    expect(isSmimeMessage(enc('Content-Type: multipart/mixed; boundary=x\r\n\r\n'))).toBe(false);
  });
});

describe('hasNestedSignedPart', () => {
  const signed = 'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary=s\r\n\r\n--s\r\n';
  it('finds a multipart/signed part below an unsigned root, folded or not', () => {
    expect(hasNestedSignedPart(enc(`Subject: x\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nhi\r\n--m\r\n${signed}`))).toBe(true);
    expect(hasNestedSignedPart(enc('Content-Type: multipart/mixed; boundary=m\n\n--m\nContent-Disposition: attachment\nContent-Type:\n multipart/signed; boundary=s\n\n'))).toBe(true);
  });
  it('ignores the root header and mail that only mentions the type in text', () => {
    expect(hasNestedSignedPart(enc(`${signed}body`))).toBe(false);
    expect(hasNestedSignedPart(enc('Content-Type: text/plain\r\n\r\nSend it as Content-Type: multipart/signed please.\r\n'))).toBe(false);
  });
});
