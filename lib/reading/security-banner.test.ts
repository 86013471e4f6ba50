import { describe, expect, it } from 'vitest';

import { DEFAULT_SECURITY_POLICY } from '../policy/security-policy';
import type { CertificateSummary, LayerReport, MessageReport, SignatureReport } from '../smime';
import { type BannerInput, securityBanner } from './security-banner';
import { formatFingerprint, revocationText, securityDetails } from './security-details';

// Reports as lib/smime shapes them; the reader store's tests feed real ones.
const cert = (email: string, extra: Partial<CertificateSummary> = {}): CertificateSummary => ({
  subject: `CN=${email}`,
  issuer: 'CN=Demo CA',
  serialNumber: '0a1b',
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2028-01-01T00:00:00.000Z',
  sha1: 'aa'.repeat(20),
  sha256: 'bb'.repeat(32),
  emails: [email],
  keyUsage: ['digitalSignature'],
  extendedKeyUsage: ['emailProtection'],
  keyAlgorithm: 'rsa-2048',
  isCa: false,
  selfSigned: false,
  ...extra,
});

const signature = (extra: Partial<SignatureReport> = {}): SignatureReport => ({
  signerEmail: 'alice@example.org',
  intact: true,
  chain: 'trusted',
  fromMatchesSigner: true,
  signingTime: null,
  algorithm: 'rsa-pkcs1-sha256',
  weakAlgorithm: false,
  reasons: [],
  certificate: cert('alice@example.org'),
  chainCertificates: [cert('alice@example.org'), cert('Demo CA', { subject: 'CN=Demo CA', emails: [], isCa: true })],
  revocation: { status: 'good', source: 'ocsp', checkedAt: '2026-11-20T10:00:00.000Z' },
  capabilities: null,
  encryptionCertificate: null,
  ...extra,
});

function report(layers: LayerReport[], extra: Partial<MessageReport> = {}): MessageReport {
  const signatures = layers.filter((l) => l.partPath === '' || l.partPath === '1').flatMap((l) => l.signatures ?? []);
  return {
    encrypted: false,
    contentCipher: null,
    keyTransport: null,
    weakCipher: false,
    encryptionIntegrity: null,
    signed: signatures.length > 0 && signatures.every((s) => s.intact),
    partial: false,
    signatures,
    layers,
    text: '',
    attachments: [],
    errors: layers.flatMap((l) => l.errors),
    ...extra,
  };
}

const signedLayer = (...signatures: SignatureReport[]): LayerReport => ({ kind: 'clear-signed', partPath: '', signatures, errors: [] });
const input = (r: MessageReport | null, extra: Partial<BannerInput> = {}): BannerInput => ({
  report: r,
  decryptedFor: [],
  problem: null,
  keyChangeWarnings: [],
  from: 'alice@example.org',
  policy: null,
  ...extra,
});
const texts = (i: BannerInput) => securityBanner(i)?.lines.map((l) => l.text);

describe('securityBanner', () => {
  it('has no banner for a message without S/MIME', () => {
    expect(securityBanner(input(report([])))).toBeNull();
  });

  it('verified: names the certificate address', () => {
    const b = securityBanner(input(report([signedLayer(signature())])))!;
    expect(b).toMatchObject({ tone: 'good', unlock: false, details: true });
    expect(b.lines).toEqual([{ kind: 'signature', tone: 'good', text: 'Signed by alice@example.org, verified.' }]);
  });

  it('names the subject when the certificate has no address, and every signer', () => {
    const noMail = signature({ signerEmail: null, certificate: cert('x', { subject: 'O=Org, CN=Build Robot', emails: [] }) });
    expect(texts(input(report([signedLayer(noMail, signature())])))).toEqual(['Signed by Build Robot and alice@example.org, verified.']);
  });

  it('revoked, expired, wrong usage, unknown revocation, weak algorithm each have their sentence', () => {
    const one = (s: Partial<SignatureReport>) => texts(input(report([signedLayer(signature(s))])))?.[0];
    expect(one({ chain: 'revoked' })).toBe("Signed by alice@example.org, but the signer's certificate has been revoked.");
    expect(one({ chain: 'expired' })).toBe("Signed by alice@example.org, but the signer's certificate has expired or was not valid when the message was signed.");
    expect(one({ chain: 'wrong-usage' })).toBe("Signed by alice@example.org, but the signer's certificate may not be used to sign mail.");
    expect(one({ chain: 'unknown' })).toBe("Signed by alice@example.org, but whether the signer's certificate was revoked could not be checked.");
    expect(one({ weakAlgorithm: true, algorithm: 'rsa-pkcs1-sha1' })).toBe('Signed by alice@example.org with a weak algorithm (rsa-pkcs1-sha1): the signature proves little.');
    expect(securityBanner(input(report([signedLayer(signature({ chain: 'revoked' }))])))?.tone).toBe('danger');
    expect(securityBanner(input(report([signedLayer(signature({ chain: 'expired' }))])))?.tone).toBe('warning');
  });

  it('puts the worst finding first and keeps the others', () => {
    const b = securityBanner(input(report([signedLayer(signature({ chain: 'untrusted-root', fromMatchesSigner: false }))]), { from: 'ceo@bank.example' }))!;
    expect(b.lines.map((l) => l.text)).toEqual([
      'Signed by alice@example.org, but the message says it is from ceo@bank.example.',
      'Signed by alice@example.org, but the signer is not trusted: no certificate authority you trust issued the certificate.',
    ]);
    expect(b.tone).toBe('danger');
  });

  it('tampered: a signature that does not hold, or a signed layer that cannot be checked', () => {
    expect(texts(input(report([signedLayer(signature({ intact: false }))])))).toEqual([
      'The signature does not match: this message was changed after alice@example.org signed it.',
    ]);
    const broken: LayerReport = { kind: 'opaque-signed', partPath: '', errors: [{ code: 'malformed-cms', message: 'The signed part carries no content.' }] };
    expect(texts(input(report([broken])))).toEqual(['The signature cannot be checked: The signed part carries no content.']);
  });

  it('partial: never "signed", even when the signed part verifies', () => {
    const nested: LayerReport = { kind: 'clear-signed', partPath: '2', signatures: [signature()], errors: [] };
    const b = securityBanner(input(report([nested], { partial: true, signed: false, signatures: [] })))!;
    expect(b.lines).toEqual([
      { kind: 'signature', tone: 'warning', text: 'Only part of this message is signed; the rest could have been written by anyone. It is not shown as signed.' },
    ]);
  });

  it('encrypted: cipher and your certificate, a weak cipher warned about, "not signed" said', () => {
    const envelope: LayerReport = { kind: 'enveloped', partPath: '', contentCipher: 'des-ede3-cbc', weakCipher: true, errors: [] };
    const b = securityBanner(
      input(report([envelope], { encrypted: true, contentCipher: 'des-ede3-cbc', weakCipher: true }), { decryptedFor: [cert('bob@example.org', { serialNumber: '77' })] }),
    )!;
    expect(b.lines.map((l) => l.text)).toEqual([
      'Encrypted with Triple DES (DES-EDE3-CBC) for your certificate bob@example.org (serial 77).',
      'It was encrypted with a weak, outdated cipher (Triple DES (DES-EDE3-CBC)): others may be able to read it. Ask the sender to use AES.',
      'It is not signed: nothing proves who sent it.',
    ]);
    expect(b.tone).toBe('warning');
  });

  it('cannot decrypt: the reason from the layer, or the key problem, with Unlock only when it can unlock', () => {
    const failed = (code: string, message: string): MessageReport =>
      report([{ kind: 'enveloped', partPath: '', errors: [{ code, message }] }], { encrypted: true });
    const prefix = 'This message is encrypted and cannot be decrypted: ';
    expect(texts(input(failed('no-matching-recipient', 'x')))).toEqual([`${prefix}it was not encrypted for any of your certificates.`]);
    expect(texts(input(failed('decryption-failed', 'x')))).toEqual([`${prefix}decryption failed (the message is damaged, or it was not encrypted for this key).`]);
    expect(texts(input(failed('key-operation-failed', 'The card was removed.')))).toEqual([
      `${prefix}your key could not be used (The card was removed.). If it is on a smart card, insert the card.`,
    ]);
    expect(texts(input(failed('key-unavailable', 'The PIN was not entered.')))).toEqual([
      `${prefix}the key on your smart card could not be used. The PIN was not entered. Open the message again to try again.`,
    ]);
    const locked = securityBanner(input(failed('no-matching-recipient', 'x'), { problem: { code: 'keystore-locked', canUnlock: true } }))!;
    expect(locked).toMatchObject({ tone: 'danger', unlock: true });
    expect(locked.lines[0]!.text).toBe(`${prefix}your keystore is locked. Unlock it to read this message.`);
    expect(securityBanner(input(failed('no-matching-recipient', 'x'), { problem: { code: 'keystore-locked', canUnlock: false } }))?.unlock).toBe(false);
    expect(texts(input(failed('no-matching-recipient', 'x'), { problem: { code: 'no-identities' } }))).toEqual([
      `${prefix}you have no S/MIME certificate with a private key here. Import yours (PKCS#12) in Settings.`,
    ]);
  });

  it("the organisation's policy: a hash or key it does not accept is never verified", () => {
    const policy = { ...DEFAULT_SECURITY_POLICY, allowedSignatureHashes: ['SHA-384' as const, 'SHA-512' as const], minRsaBits: 3072 };
    const refusedHash =
      "Signed by alice@example.org, but your organisation's policy does not accept this signature. The signature uses SHA-256, which the organisation's policy does not accept (allowed: SHA-384, SHA-512).";
    const b = securityBanner(input(report([signedLayer(signature({ certificate: cert('alice@example.org', { keyAlgorithm: 'rsa-4096' }) }))]), { policy }))!;
    expect(b.lines).toEqual([{ kind: 'signature', tone: 'warning', text: refusedHash }]);
    // A key under the policy's minimum: both reasons in one sentence.
    expect(texts(input(report([signedLayer(signature())]), { policy }))?.[0]).toMatch(
      /^Signed by alice@example\.org, but your organisation's policy does not accept this signature\. The signature uses SHA-256, .*\. The signer's key is too weak: /,
    );
    // The same signature under a policy that accepts it, or with no policy at hand: verified.
    expect(texts(input(report([signedLayer(signature())]), { policy: DEFAULT_SECURITY_POLICY }))).toEqual(['Signed by alice@example.org, verified.']);
    expect(texts(input(report([signedLayer(signature())]), { policy: null }))).toEqual(['Signed by alice@example.org, verified.']);
    // SHA-1 (lib/smime's weak flag too): the policy's sentence first, then the weak algorithm's.
    expect(texts(input(report([signedLayer(signature({ algorithm: 'rsa-pkcs1-sha1', weakAlgorithm: true }))]), { policy: DEFAULT_SECURITY_POLICY }))).toEqual([
      "Signed by alice@example.org, but your organisation's policy does not accept this signature. The signature uses SHA-1, which the organisation's policy does not accept (allowed: SHA-256, SHA-384, SHA-512).",
      'Signed by alice@example.org with a weak algorithm (rsa-pkcs1-sha1): the signature proves little.',
    ]);
    // Worse findings stay first.
    expect(texts(input(report([signedLayer(signature({ chain: 'revoked' }))]), { policy }))?.[0]).toBe(
      "Signed by alice@example.org, but the signer's certificate has been revoked.",
    );
  });

  it('a report with only errors, a failed read, and key-change warnings', () => {
    expect(texts(input(report([], { errors: [{ code: 'malformed-asn1', message: 'Bad DER.' }] })))).toEqual([
      'The S/MIME content of this message cannot be read: Bad DER.',
    ]);
    expect(texts(input(null, { problem: { code: 'read-failed', message: 'try again.' } }))).toEqual(['The protection of this message could not be checked: try again.']);
    expect(securityBanner(input(null))).toBeNull();
    expect(texts(input(report([signedLayer(signature())]), { keyChangeWarnings: [{ address: 'alice@example.org', message: 'New issuer.' }] }))).toEqual([
      'Signed by alice@example.org, verified.',
      'Certificate change for alice@example.org: New issuer.',
    ]);
  });
});

describe('securityDetails', () => {
  it('lists every signature with its chain and scope, and bundled certificates', () => {
    const nested: LayerReport = { kind: 'clear-signed', partPath: '1.2', signatures: [signature({ chainCertificates: [] })], errors: [] };
    const bundle: LayerReport = { kind: 'certs-only', partPath: '', certificates: [cert('carol@example.org')], errors: [] };
    const d = securityDetails(report([signedLayer(signature()), nested, bundle]), [cert('bob@example.org')]);
    expect(d.signers.map((s) => [s.scope, s.signer, s.chain.length])).toEqual([
      ['The whole message', 'alice@example.org', 2],
      ['Part 1.2', 'alice@example.org', 1],
    ]);
    expect(d.carried.map((c) => c.emails[0])).toEqual(['carol@example.org']);
    expect(d.decryptedFor.map((c) => c.emails[0])).toEqual(['bob@example.org']);
  });

  it('says revocation status, source and time', () => {
    expect(revocationText({ status: 'good', source: 'ocsp', checkedAt: '2026-11-20T10:00:00.000Z' })).toBe('Not revoked (OCSP), checked 2026-11-20 10:00:00 UTC.');
    expect(revocationText({ status: 'revoked', source: 'crl', checkedAt: '2026-11-20T10:00:00.000Z', reason: 'keyCompromise' })).toBe(
      'Revoked (CRL), checked 2026-11-20 10:00:00 UTC: keyCompromise.',
    );
    expect(revocationText({ status: 'not-checked' })).toBe('Not checked (revocation checking is off, or the chain is not trusted).');
    expect(formatFingerprint('0a1bff')).toBe('0A:1B:FF');
  });
});
