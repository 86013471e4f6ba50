import fs from 'node:fs';

import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createNodePkiFetcher } from '@/cli/smime/node-pki-fetcher';
import { type Identity, type MessageReport, readMessage, softKeyFromPkcs8, type TrustSettings } from '@/lib/smime';

import { createTestPki, freePort, type IssuedCert, type OcspResponder, openssl, type PkiHttpServer, startOcspResponder, startPkiHttpServer, type TestPki } from '../support/test-pki';

// Every verdict of the message report, produced from whole messages that OpenSSL's `cms` wrote
// (an independent implementation), read by lib/smime's real engine as the webmail will.
const ENTITY = 'Content-Type: text/plain; charset=utf-8\r\n\r\nPay Bob 10 euros.\r\n';

let pki: TestPki;
let other: TestPki;
let server: PkiHttpServer;
let ocsp: OcspResponder;
let inter: IssuedCert;
let alice: IssuedCert;
let aliceOld: IssuedCert;
let eve: IssuedCert;
let expired: IssuedCert;
let wrongUsage: IssuedCert;
let revokedByCrl: IssuedCert;
let revokedByOcsp: IssuedCert;
let aiaOnly: IssuedCert;
let stranger: IssuedCert;

beforeAll(async () => {
  pki = createTestPki('sealpost-verdicts-');
  other = createTestPki('sealpost-verdicts-other-');
  server = await startPkiHttpServer();
  const ocspPort = await freePort();
  inter = pki.issue({ name: 'inter', ca: true });
  alice = pki.issue({ name: 'alice', email: 'alice@example.org', issuer: inter });
  aliceOld = pki.issue({ name: 'alice-old', email: 'alice@example.org', issuer: inter });
  eve = pki.issue({ name: 'eve', email: 'eve@example.org', issuer: inter });
  expired = pki.issue({ name: 'expired', email: 'old@example.org', startDate: '20200101000000Z', endDate: '20210101000000Z' });
  wrongUsage = pki.issue({ name: 'wrong-usage', email: 'tls@example.org', keyUsage: 'critical, keyEncipherment', extendedKeyUsage: 'serverAuth' });
  revokedByCrl = pki.issue({ name: 'revoked-crl', email: 'gone@example.org', extraExtensions: [`crlDistributionPoints = URI:${server.url}/root.crl`] });
  revokedByOcsp = pki.issue({ name: 'revoked-ocsp', email: 'gone2@example.org', extraExtensions: [`authorityInfoAccess = OCSP;URI:http://127.0.0.1:${ocspPort}/`] });
  aiaOnly = pki.issue({ name: 'aia-only', email: 'far@example.org', issuer: inter, extraExtensions: [`authorityInfoAccess = caIssuers;URI:${server.url}/inter.der`] });
  stranger = other.issue({ name: 'stranger', email: 'alice@example.org' });
  pki.revoke(revokedByCrl);
  pki.revoke(revokedByOcsp);
  server.serve('/root.crl', pki.crl(pki.root));
  server.serve('/inter.der', inter.certDer);
  ocsp = await startOcspResponder(pki, pki.root, ocspPort);
});

afterAll(async () => {
  await ocsp?.stop();
  await server?.close();
  pki?.cleanup();
  other?.cleanup();
});

const certificate = (cert: IssuedCert) => pkijs.Certificate.fromBER(new Uint8Array(cert.certDer));
const identity = (cert: IssuedCert): Identity => ({ certificate: certificate(cert), key: softKeyFromPkcs8(cert.keyPkcs8) });
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const bytes = (value: string) => new Uint8Array(Buffer.from(value, 'latin1'));
let fileCounter = 0;
const tempFile = (content: string | Uint8Array) => {
  const file = pki.file(`input-${++fileCounter}`);
  fs.writeFileSync(file, content);
  return file;
};

/** `openssl cms -sign` of a MIME entity into a whole message (multipart/signed unless opaque). */
function opensslSign(signer: IssuedCert, options: { from?: string; extra?: string[]; entity?: string; chain?: IssuedCert[] } = {}): string {
  const chain = options.chain ?? (signer.issuer && signer.issuer !== pki.root ? [signer.issuer] : []);
  const chainFile = tempFile(chain.map((c) => fs.readFileSync(c.certPath, 'utf8')).join(''));
  return text(
    openssl([
      'cms', '-sign', '-in', tempFile(options.entity ?? ENTITY), '-signer', signer.certPath, '-inkey', signer.keyPath,
      ...(chain.length ? ['-certfile', chainFile] : []),
      '-from', options.from ?? signer.email ?? 'nobody@example.org', '-to', 'bob@example.org', '-subject', 'Payment',
      ...(options.extra ?? []),
    ]),
  );
}

/** `openssl cms -encrypt` of a MIME entity (or a whole message) into a whole message. */
function opensslEncrypt(recipients: IssuedCert[], entity: string, { cipher, oaep = false }: { cipher?: string; oaep?: boolean } = {}): string {
  // -keyopt applies to the -recip before it.
  const recips = recipients.flatMap((r) => ['-recip', r.certPath, ...(oaep ? ['-keyopt', 'rsa_padding_mode:oaep'] : [])]);
  return text(openssl(['cms', '-encrypt', '-in', tempFile(entity), ...(cipher ? [`-${cipher}`] : []), '-from', 'alice@example.org', '-to', 'bob@example.org', '-subject', 'Secret', ...recips]));
}

/** The MIME entity of a whole message (its Content-* fields and body), for wrapping it again. */
function entityOf(message: string): string {
  const [head, ...body] = message.split(/\r?\n\r?\n/);
  const fields = head!.replace(/\r?\n[ \t]/g, ' ').split(/\r?\n/).filter((line) => /^(content-|mime-version)/i.test(line));
  return `${fields.join('\r\n')}\r\n\r\n${body.join('\r\n\r\n')}`;
}

function trust(overrides: Partial<TrustSettings> = {}): TrustSettings {
  return { anchors: [certificate(pki.root)], revocation: 'off', ...overrides };
}

async function report(message: string, options: { identities?: Identity[]; trust?: TrustSettings } = {}): Promise<MessageReport> {
  return (await readMessage(bytes(message), { identities: options.identities ?? [], trust: options.trust ?? trust() })).report;
}

describe('signatures', () => {
  it('a good clear-signed message: signed, intact, trusted, signer matches From', async () => {
    const result = await report(opensslSign(alice));
    expect(result).toMatchObject({ signed: true, partial: false, encrypted: false, errors: [] });
    expect(result.signatures).toEqual([expect.objectContaining({ signerEmail: 'alice@example.org', intact: true, chain: 'trusted', fromMatchesSigner: true, algorithm: 'rsa-pkcs1-sha256', weakAlgorithm: false, reasons: [] })]);
    expect(result.text).toContain('Pay Bob 10 euros.');
  });

  it('tampered content: not intact, not signed', async () => {
    const result = await report(opensslSign(alice).replace('Pay Bob 10', 'Pay Bob 99'));
    expect(result.signed).toBe(false);
    expect(result.signatures[0]).toMatchObject({ intact: false });
    expect(result.signatures[0]!.reasons.join(' ')).toMatch(/changed/);
  });

  it('a copy whose line ends a gateway rewrote to LF still verifies', async () => {
    const result = await report(opensslSign(alice).replace(/\r\n/g, '\n'));
    expect(result.signed).toBe(true);
    expect(result.signatures[0]!.intact).toBe(true);
  });

  it('opaque signed (application/pkcs7-mime signed-data) and a signer named by key identifier', async () => {
    const result = await report(opensslSign(alice, { extra: ['-nodetach', '-keyid'] }));
    expect(result).toMatchObject({ signed: true, layers: [expect.objectContaining({ kind: 'opaque-signed' })] });
    expect(result.signatures[0]).toMatchObject({ intact: true, chain: 'trusted' });
  });

  it('RSA-PSS with OpenSSL’s default salt length verifies', async () => {
    const result = await report(opensslSign(alice, { extra: ['-keyopt', 'rsa_padding_mode:pss'] }));
    expect(result.signatures[0]).toMatchObject({ intact: true, algorithm: 'rsa-pss-sha256' });
  });

  it('SHA-1 signatures verify with a weak-algorithm flag', async () => {
    const result = await report(opensslSign(alice, { extra: ['-md', 'sha1'] }));
    expect(result.signatures[0]).toMatchObject({ intact: true, weakAlgorithm: true });
  });

  it('a signer whose certificate is not in the message: not intact, with the reason', async () => {
    const result = await report(opensslSign(alice, { extra: ['-nocerts'] }));
    expect(result.signed).toBe(false);
    expect(result.signatures[0]!.intact).toBe(false);
    expect(result.signatures[0]!.reasons.join(' ')).toMatch(/certificate is not in the message/);
    // With the certificate held locally (harvested or imported) it verifies.
    const known = await readMessage(bytes(opensslSign(alice, { extra: ['-nocerts'] })), { identities: [], trust: trust({ knownCertificates: [certificate(inter)] }), knownCertificates: [certificate(alice)] });
    expect(known.report.signatures[0]).toMatchObject({ intact: true, chain: 'trusted' });
  });

  it('two signers with one bad signature: each its own verdict, the message not signed', async () => {
    const entity = tempFile(ENTITY);
    const der = new Uint8Array(openssl(['cms', '-sign', '-binary', '-outform', 'DER', '-in', entity, '-signer', alice.certPath, '-inkey', alice.keyPath, '-signer', eve.certPath, '-inkey', eve.keyPath, '-certfile', inter.certPath]));
    der[der.length - 1]! ^= 0xff; // the last SignerInfo's signature ends the structure
    const boundary = 'two-signers';
    const message =
      `From: alice@example.org\r\nTo: bob@example.org\r\nSubject: Two\r\nMIME-Version: 1.0\r\nContent-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="${boundary}"\r\n\r\n` +
      `--${boundary}\r\n${ENTITY}\r\n--${boundary}\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(der).toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--${boundary}--\r\n`;
    const result = await report(message);
    expect(result.signatures.map((s) => s.intact)).toEqual([true, false]);
    expect(result.signed).toBe(false);
  });
});

describe('chains', () => {
  it('an expired signer certificate: chain "expired"', async () => {
    const result = await report(opensslSign(expired));
    expect(result.signatures[0]).toMatchObject({ intact: true, chain: 'expired' });
  });

  it('a chain to a root we do not trust: "untrusted-root"', async () => {
    const result = await report(opensslSign(stranger));
    expect(result.signatures[0]).toMatchObject({ intact: true, chain: 'untrusted-root' });
  });

  it('a certificate not meant for mail signatures: "wrong-usage"', async () => {
    const result = await report(opensslSign(wrongUsage, { extra: ['-noattr'] }));
    expect(result.signatures[0]).toMatchObject({ chain: 'wrong-usage' });
  });

  it('revoked, found through the CRL distribution point', async () => {
    const fetcher = createNodePkiFetcher({ timeoutMs: 5000 });
    const result = await report(opensslSign(revokedByCrl), { trust: trust({ fetcher, revocation: 'soft-fail' }) });
    expect(result.signatures[0]).toMatchObject({ intact: true, chain: 'revoked', revocation: expect.objectContaining({ status: 'revoked', source: 'crl' }) });
    const offline = await report(opensslSign(revokedByCrl));
    expect(offline.signatures[0]).toMatchObject({ chain: 'trusted', revocation: { status: 'not-checked' } });
  });

  it('revoked, found through OCSP (a real openssl ocsp responder)', async () => {
    const fetcher = createNodePkiFetcher({ timeoutMs: 5000 });
    const result = await report(opensslSign(revokedByOcsp), { trust: trust({ fetcher, revocation: 'soft-fail' }) });
    expect(result.signatures[0]).toMatchObject({ chain: 'revoked', revocation: expect.objectContaining({ status: 'revoked', source: 'ocsp' }) });
  });

  it('a missing intermediate is fetched through AIA caIssuers', async () => {
    const message = opensslSign(aiaOnly, { chain: [] });
    const fetcher = createNodePkiFetcher({ timeoutMs: 5000 });
    expect((await report(message, { trust: trust({ fetcher }) })).signatures[0]).toMatchObject({ chain: 'trusted' });
    expect((await report(message)).signatures[0]!.chain).not.toBe('trusted');
  });
});

describe('identity and partial signing', () => {
  it('signed by someone other than From: intact, but the signer does not match', async () => {
    const result = await report(opensslSign(eve, { from: 'Alice <alice@example.org>' }));
    expect(result.signatures[0]).toMatchObject({ intact: true, signerEmail: 'eve@example.org', fromMatchesSigner: false });
    expect(result.signatures[0]!.reasons.join(' ')).toMatch(/eve@example\.org/);
  });

  it('a signed part inside an unsigned message is "partly signed", never "signed"', async () => {
    const signed = entityOf(opensslSign(alice));
    const message =
      'From: alice@example.org\r\nTo: bob@example.org\r\nSubject: Forged\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="outer"\r\n\r\n' +
      `--outer\r\nContent-Type: text/plain\r\n\r\nPay Mallory 10000 euros.\r\n--outer\r\n${signed}\r\n--outer--\r\n`;
    const result = await report(message);
    expect(result).toMatchObject({ signed: false, partial: true, signatures: [] });
  });
});

describe('encryption', () => {
  it('OpenSSL’s default (3DES, RSA PKCS#1 v1.5): decrypted, reported weak', async () => {
    const result = await report(opensslEncrypt([alice], ENTITY), { identities: [identity(alice)] });
    expect(result).toMatchObject({ encrypted: true, contentCipher: 'des-ede3-cbc', keyTransport: 'rsa-pkcs1v15', weakCipher: true, signed: false, errors: [] });
    expect(result.text).toContain('Pay Bob 10 euros.');
  });

  it('AES-256-GCM AuthEnvelopedData with OAEP, integrity protected', async () => {
    const result = await report(opensslEncrypt([alice], ENTITY, { cipher: 'aes-256-gcm', oaep: true }), { identities: [identity(alice)] });
    expect(result).toMatchObject({ encrypted: true, contentCipher: 'aes-256-gcm', keyTransport: 'rsa-oaep', weakCipher: false });
    expect(result.layers[0]).toMatchObject({ kind: 'auth-enveloped', integrityProtected: true });
  });

  it('mail for an older key of the user opens with that identity among several', async () => {
    const result = await report(opensslEncrypt([aliceOld], ENTITY, { cipher: 'aes-256-cbc' }), { identities: [identity(alice), identity(aliceOld)] });
    expect(result).toMatchObject({ encrypted: true, errors: [] });
  });

  it('no matching key: reported, not thrown', async () => {
    const result = await report(opensslEncrypt([eve], ENTITY, { cipher: 'aes-256-cbc' }), { identities: [identity(alice)] });
    expect(result.encrypted).toBe(true);
    expect(result.errors.map((e) => e.code)).toContain('no-matching-recipient');
  });

  it('a .p7m sent as application/octet-stream is still opened', async () => {
    const message = opensslEncrypt([alice], ENTITY, { cipher: 'aes-128-cbc' }).replace(/Content-Type: application\/(x-)?pkcs7-mime;[^\r\n]*(\r\n[ \t][^\r\n]*)*/i, 'Content-Type: application/octet-stream; name="smime.p7m"');
    const result = await report(message, { identities: [identity(alice)] });
    expect(result).toMatchObject({ encrypted: true, contentCipher: 'aes-128-cbc', errors: [] });
  });

  it('triple-wrapped (signed, encrypted, signed): every layer in order, signed by alice', async () => {
    const inner = entityOf(opensslSign(alice));
    const encrypted = entityOf(opensslEncrypt([alice], inner, { cipher: 'aes-256-cbc' }));
    const outer = opensslSign(alice, { entity: encrypted });
    const result = await report(outer, { identities: [identity(alice)] });
    expect(result.layers.map((l) => l.kind)).toEqual(['clear-signed', 'enveloped', 'clear-signed']);
    expect(result).toMatchObject({ signed: true, encrypted: true });
    expect(result.signatures.every((s) => s.intact && s.chain === 'trusted')).toBe(true);
    expect(result.text).toContain('Pay Bob 10 euros.');
  });
});

describe('certificate bundles', () => {
  it('a certs-only message is never a signature, and its certificates are collected', async () => {
    const p7 = new Uint8Array(openssl(['crl2pkcs7', '-nocrl', '-certfile', alice.certPath, '-outform', 'DER']));
    // Labelled signed-data on purpose: the missing signers decide, not the label.
    const message =
      'From: alice@example.org\r\nTo: bob@example.org\r\nSubject: My certificate\r\nMIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=signed-data; name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
      `${Buffer.from(p7).toString('base64')}\r\n`;
    const result = await readMessage(bytes(message), { identities: [], trust: trust() });
    expect(result.report).toMatchObject({ signed: false, signatures: [] });
    expect(result.report.layers[0]!.kind).toBe('certs-only');
    expect(result.certificates).toHaveLength(1);
  });
});
