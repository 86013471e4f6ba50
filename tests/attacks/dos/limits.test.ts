// Denial of service by hostile input (row D1 of ../shared/notes/smime-stack.md section 4: deep
// ASN.1 as in the forge CVE-2025-66031 class, huge PBKDF2 / PKCS#12 iteration counts,
// CompressedData bombs, huge RSA keys (RFC 8551 section 6), deeply nested S/MIME, MIME part
// counts). One test per cap in lib/smime/limits.ts, each feeding one value over it. Asserted: the
// work stops at the cap with SmimeError 'limit-exceeded' (a report error when reading a message),
// well inside the test's own timeout instead of running for minutes or hours.
import crypto from 'node:crypto';
import fs from 'node:fs';

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isSmimeError, readPkcs12, signMessage, softKeyFromPkcs8 } from '@/lib/smime';
import { LIMITS } from '@/lib/smime/limits';
import { OID } from '@/lib/smime/oids';
import { makeTestCertificate } from '@/lib/smime/certs/test-certificate-factory';
import { describePublicKey } from '@/lib/smime/cms/signed/verify-signature';

import { type AttackPki, HEADERS, PAYMENT, attackPki, bytes, clearSignedMessage, latin1, pkcs7Message } from '../support/attack-messages';
import { compressedData, zlib } from '../support/compressed-data';
import { der, octets, oid, tagged } from '../support/handmade-signed-data';
import { openssl } from '../../support/test-pki';

let p: AttackPki;
beforeAll(() => {
  p = attackPki('sealpost-dos-');
});
afterAll(() => p?.pki.cleanup());

const FAST = { timeout: 20_000 };
const ENTITY = 'Content-Type: text/plain\r\n\r\nHello.\r\n';

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'no error', (error: unknown) => (isSmimeError(error) ? error.code : `untyped: ${String(error)}`));
const limitErrors = (errors: { code: string }[]) => errors.filter((e) => e.code === 'limit-exceeded');

/** `levels` nested BER SEQUENCEs of indefinite length: a few bytes each, unbounded recursion for a naive parser. */
const deepAsn1 = (levels: number) => new Uint8Array([...Array<number[]>(levels).fill([0x30, 0x80]).flat(), ...new Array<number>(levels * 2).fill(0)]);

/** A positive INTEGER of `bits` bits (top bit set, odd). */
function bigInteger(bits: number): asn1js.Integer {
  const value = new Uint8Array(crypto.randomBytes(Math.ceil(bits / 8)));
  value[0]! |= 0x80 >> ((8 - (bits % 8)) % 8);
  value[0]! &= 0xff >> ((8 - (bits % 8)) % 8);
  value[value.length - 1]! |= 1;
  return new asn1js.Integer({ valueHex: new Uint8Array([0, ...value]).buffer });
}

describe('D1: caps on hostile input', () => {
  it(`ASN.1 nesting over ${LIMITS.asn1Depth} levels, as a message and as a detached signature`, FAST, async () => {
    const deep = deepAsn1(200_000);
    const opaque = (await p.read(pkcs7Message(deep, 'signed-data'))).report;
    expect(limitErrors(opaque.errors)).toHaveLength(1);
    const detached = (await p.read(clearSignedMessage(ENTITY, deep))).report;
    expect(detached).toMatchObject({ signed: false, signatures: [] });
    expect(limitErrors(detached.errors)).toHaveLength(1);
    // Just under the cap parses on to the next problem: the cap, not the input, stopped it.
    const shallow = (await p.read(pkcs7Message(deepAsn1(LIMITS.asn1Depth - 1), 'signed-data'))).report;
    expect(limitErrors(shallow.errors)).toEqual([]);
  });

  it(`PKCS#12 MAC iterations over ${LIMITS.keyDerivationIterations}: refused before any derivation`, FAST, async () => {
    const pfx = asn1js.fromBER(fs.readFileSync(p.pki.pkcs12(p.alice, 'pw'))).result as asn1js.Sequence;
    const macData = pfx.valueBlock.value[2] as asn1js.Sequence;
    macData.valueBlock.value[2] = new asn1js.Integer({ value: 2 ** 31 - 1 }); // hours of PKCS#12 KDF
    expect(await codeOf(readPkcs12(new Uint8Array(pfx.toBER(false)), 'pw'))).toBe('limit-exceeded');
  });

  it(`PBES2 (PBKDF2) iterations over ${LIMITS.keyDerivationIterations}, from OpenSSL: refused`, FAST, async () => {
    const file = p.pki.file('many-iterations.p12');
    // -iter is one over the cap (OpenSSL pays for it once, here); the MAC has 1 iteration, so the cap on PBKDF2 is what is reached.
    openssl(['pkcs12', '-export', '-inkey', p.alice.keyPath, '-in', p.alice.certPath, '-passout', 'pass:pw', '-iter', String(LIMITS.keyDerivationIterations + 1), '-nomaciter', '-out', file]);
    expect(await codeOf(readPkcs12(new Uint8Array(fs.readFileSync(file)), 'pw'))).toBe('limit-exceeded');
  });

  it(`a CompressedData bomb inflating past ${LIMITS.decompressedBytes} bytes`, FAST, async () => {
    const bomb = compressedData(await zlib(new Uint8Array(LIMITS.decompressedBytes + 1)));
    expect(bomb.length).toBeLessThan(100_000);
    const { report } = await p.read(pkcs7Message(bomb, 'compressed-data'));
    expect(report.layers).toMatchObject([{ kind: 'compressed', errors: [{ code: 'limit-exceeded' }] }]);
    expect(report.text).toBe('');
  });

  it(`an RSA signer key over ${LIMITS.rsaModulusBits} bits, with a huge exponent: refused without the RSA operation`, FAST, async () => {
    // A certificate (signed by a throwaway P-256 key) whose RSA key has a 65,536-bit modulus and exponent.
    const { certificate } = await makeTestCertificate({ subject: [{ type: OID.emailAddress, value: 'huge@example.org' }] });
    const rsaKey = new asn1js.Sequence({ value: [bigInteger(65_536), bigInteger(65_536)] });
    certificate.subjectPublicKeyInfo = new pkijs.PublicKeyInfo({
      schema: new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [oid(OID.rsaEncryption), new asn1js.Null()] }), new asn1js.BitString({ valueHex: rsaKey.toBER(false) })] }),
    });
    const signerInfo = new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: 1 }),
        new asn1js.Sequence({ value: [certificate.issuer.toSchema(), certificate.serialNumber] }),
        new asn1js.Sequence({ value: [oid(OID.sha256)] }),
        new asn1js.Sequence({ value: [oid(OID.rsaEncryption), new asn1js.Null()] }),
        octets(new Uint8Array(crypto.randomBytes(65_536 / 8))),
      ],
    });
    const signedData = new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: 1 }),
        new asn1js.Set({ value: [new asn1js.Sequence({ value: [oid(OID.sha256)] })] }),
        new asn1js.Sequence({ value: [oid(OID.data)] }),
        tagged(0, certificate.toSchema(true)), // re-encoded: the new key, the old signature
        new asn1js.Set({ value: [signerInfo] }),
      ],
    });
    const p7s = der(new asn1js.Sequence({ value: [oid(OID.signedData), tagged(0, signedData)] }));
    // Underneath, the coded error; a per-signer failure reaches the report as that signer's reason.
    expect(await codeOf((async () => describePublicKey(pkijs.Certificate.fromBER(certificate.toSchema(true).toBER(false))))())).toBe('limit-exceeded');
    const { report } = await p.read(clearSignedMessage(ENTITY, p7s));
    expect(report.signed).toBe(false);
    expect(report.signatures).toMatchObject([{ intact: false, reasons: expect.arrayContaining([`The signer's RSA key is over ${LIMITS.rsaModulusBits} bits.`]) }]);
  });

  it(`an RSA private key over ${LIMITS.rsaModulusBits} bits (as a PKCS#12 would bring): refused`, FAST, () => {
    // p * q = n is all the key reader checks before the size; the primes need not be prime for that.
    const half = () => bigInteger(4200);
    const [prime1, prime2] = [half(), half()];
    const toBig = (i: asn1js.Integer) => BigInt(`0x${Buffer.from(i.valueBlock.valueHexView).toString('hex')}`);
    const n = toBig(prime1) * toBig(prime2);
    const modulus = new asn1js.Integer({ valueHex: new Uint8Array(Buffer.from(`00${n.toString(16).padStart(Math.ceil(n.toString(16).length / 2) * 2, '0')}`, 'hex')).buffer });
    const rsaPrivateKey = new asn1js.Sequence({ value: [new asn1js.Integer({ value: 0 }), modulus, new asn1js.Integer({ value: 65537 }), half(), prime1, prime2, half(), half(), half()] });
    const pkcs8 = der(new asn1js.Sequence({ value: [new asn1js.Integer({ value: 0 }), new asn1js.Sequence({ value: [oid(OID.rsaEncryption), new asn1js.Null()] }), octets(der(rsaPrivateKey))] }));
    let code = 'no error';
    try {
      softKeyFromPkcs8(pkcs8);
    } catch (error) {
      code = isSmimeError(error) ? error.code : 'untyped';
    }
    expect(code).toBe('limit-exceeded');
  });

  it(`S/MIME nesting over ${LIMITS.smimeNesting} layers, signed by lib/smime itself`, FAST, async () => {
    let message: Uint8Array = PAYMENT;
    for (let i = 0; i <= LIMITS.smimeNesting; i++) message = await signMessage(message, p.identity(p.alice), { opaque: true });
    const { report } = await p.read(message);
    expect(report.layers).toHaveLength(LIMITS.smimeNesting);
    expect(report.errors).toEqual([expect.objectContaining({ code: 'limit-exceeded' })]);
    expect(report.signed).toBe(false);
  });

  it(`more than ${LIMITS.mimeParts} MIME parts, in the clear and inside an encryption layer`, FAST, async () => {
    const parts = Array.from({ length: LIMITS.mimeParts + 1 }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\n${i}\r\n`).join('');
    const many = bytes(`${HEADERS}Content-Type: multipart/mixed; boundary="b"\r\n\r\n${parts}--b--\r\n`);
    const clear = (await p.read(many)).report;
    expect(clear.errors).toEqual([expect.objectContaining({ code: 'limit-exceeded' })]);
    // lib/smime's writer refuses to take such a message apart, so OpenSSL encrypts it.
    const file = p.pki.file('many-parts');
    fs.writeFileSync(file, latin1(many).slice(HEADERS.length));
    const encrypted = (await p.read(new Uint8Array(openssl(['cms', '-encrypt', '-aes-256-gcm', '-recip', p.bob.certPath, '-in', file])))).report;
    expect(encrypted.layers).toMatchObject([{ kind: 'auth-enveloped', errors: [{ code: 'limit-exceeded' }] }]);
    // Control: at the cap (the multipart itself is a part) it reads.
    const atCap = bytes(latin1(many).replace(`--b\r\nContent-Type: text/plain\r\n\r\n${LIMITS.mimeParts}\r\n`, '').replace(`--b\r\nContent-Type: text/plain\r\n\r\n${LIMITS.mimeParts - 1}\r\n`, ''));
    expect((await p.read(atCap)).report.errors).toEqual([]);
  });

  it(`MIME multipart nesting over ${LIMITS.mimeDepth} levels`, FAST, async () => {
    let entity = 'Content-Type: text/plain\r\n\r\nDeep.\r\n';
    for (let i = 0; i <= LIMITS.mimeDepth; i++) entity = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${entity}\r\n--b${i}--\r\n`;
    const { report } = await p.read(bytes(`${HEADERS}${entity}`));
    expect(report.errors).toEqual([expect.objectContaining({ code: 'limit-exceeded' })]);
  });
});
