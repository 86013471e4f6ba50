// The simulator at the APDU level: byte layouts from SP 800-73-4 and Yubico's APDU reference, and
// every key operation checked by WebCrypto (an independent implementation). The clients' own
// verdict is tests/integration/piv-simulator-clients.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';

import { isTokenError } from '../errors';
import type { SimulatedCard } from '../transport';
import { createPivSimulator, MAX_CHAINED_COMMAND, YUBIKEY_ATR, type PivSimulatorProfile } from './piv-simulator';

const subtle = globalThis.crypto.subtle;
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const bytes = (text: string) => Uint8Array.from(text.replace(/\s+/g, '').match(/../g) ?? [], (h) => Number.parseInt(h, 16));
const sw = (response: Uint8Array) => hex(response.subarray(-2));
const body = (response: Uint8Array) => response.subarray(0, -2);

const SELECT_PIV = bytes('00 A4 04 00 09 A0 00 00 03 08 00 00 10 00 00');
const VERIFY_123456 = bytes('00 20 00 80 08 31 32 33 34 35 36 FF FF');
const VERIFY_WRONG = bytes('00 20 00 80 08 39 39 39 39 39 39 FF FF');
const VERIFY_STATUS = bytes('00 20 00 80');
const getData = (tag: string) => bytes(`00 CB 3F FF ${(tag.length / 2 + 2).toString(16).padStart(2, '0')} 5C ${(tag.length / 2).toString(16).padStart(2, '0')} ${tag} 00`);

/** A short case-4 APDU; longer data goes out chained in 255-byte parts (ISO 7816-4 5.1.1.1). */
function chained(ins: number, p1: number, p2: number, data: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let at = 0; at === 0 || at < data.length; at += 255) {
    const part = data.subarray(at, at + 255);
    const last = at + 255 >= data.length;
    parts.push(Uint8Array.of(last ? 0x00 : 0x10, ins, p1, p2, part.length, ...part, ...(last ? [0x00] : [])));
  }
  return parts;
}

/** Sends the parts, then follows 61xx with GET RESPONSE; returns all data and the final SW. */
async function exchange(card: SimulatedCard, parts: Uint8Array[]): Promise<{ data: Uint8Array; sw: string }> {
  let response: Uint8Array = new Uint8Array(0);
  for (const part of parts) {
    response = await card.transmit(part);
    if (part[0]! & 0x10) expect(sw(response)).toBe('9000');
  }
  const collected: number[] = [...body(response)];
  for (let i = 0; sw(response).startsWith('61'); i++) {
    expect(i).toBeLessThan(300);
    response = await card.transmit(Uint8Array.of(0x00, 0xc0, 0x00, 0x00, response[response.length - 1]!));
    collected.push(...body(response));
  }
  return { data: Uint8Array.from(collected), sw: sw(response) };
}

const template = (tag: number, value: Uint8Array) => {
  const tlv = (t: number, v: Uint8Array) => [t, ...(v.length < 0x80 ? [v.length] : v.length < 0x100 ? [0x81, v.length] : [0x82, v.length >> 8, v.length & 0xff]), ...v];
  return Uint8Array.from(tlv(0x7c, Uint8Array.of(0x82, 0x00, ...tlv(tag, value))));
};

/** One BER-TLV with a 1-byte tag at `at`. */
function readTlv(data: Uint8Array, at: number): { tag: number; value: Uint8Array; next: number } {
  const tag = data[at]!;
  let length = data[at + 1]!;
  let start = at + 2;
  if (length > 0x80) {
    const count = length - 0x80;
    length = 0;
    for (let i = 0; i < count; i++) length = (length << 8) | data[start + i]!;
    start += count;
  }
  return { tag, value: data.subarray(start, start + length), next: start + length };
}

/** 7C L 82 L value: the value. */
function responseValue(data: Uint8Array): Uint8Array {
  let at = 1;
  const length = (): number => {
    const first = data[at++]!;
    if (first < 0x80) return first;
    let n = 0;
    for (let i = 0; i < (first & 0x7f); i++) n = (n << 8) | data[at++]!;
    return n;
  };
  expect(data[0]).toBe(0x7c);
  length();
  expect(data[at++]).toBe(0x82);
  const n = length();
  return data.subarray(at, at + n);
}

/** ECDSA-Sig-Value DER (RFC 3279) to r ‖ s for WebCrypto. */
function derToRaw(der: Uint8Array, size: number): Uint8Array {
  expect(der[0]).toBe(0x30);
  const out = new Uint8Array(2 * size);
  let at = 2;
  for (const half of [0, 1]) {
    expect(der[at]).toBe(0x02);
    const n = der[at + 1]!;
    const int = der.subarray(at + 2, at + 2 + n);
    const trimmed = int[0] === 0 ? int.subarray(1) : int;
    out.set(trimmed, half * size + size - trimmed.length);
    at += 2 + n;
  }
  return out;
}

const pkcs8 = async (key: CryptoKey) => new Uint8Array(await subtle.exportKey('pkcs8', key));
const fakeCertificate = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

let rsa: CryptoKeyPair;
let p256: CryptoKeyPair;
let p384: CryptoKeyPair;
let profile: PivSimulatorProfile;

beforeAll(async () => {
  rsa = await subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' }, true, ['sign', 'verify']);
  p256 = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
  p384 = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify']);
  profile = {
    slots: {
      0x9a: { privateKeyPkcs8: await pkcs8(p384.privateKey), certificateDer: fakeCertificate(300, 1) },
      0x9c: { privateKeyPkcs8: await pkcs8(rsa.privateKey), certificateDer: fakeCertificate(1200, 2) },
      0x9d: { privateKeyPkcs8: await pkcs8(p256.privateKey), certificateDer: fakeCertificate(700, 3), compressCertificate: true },
      0x9e: { privateKeyPkcs8: await pkcs8(p384.privateKey), certificateDer: fakeCertificate(100, 4) },
      0x82: { privateKeyPkcs8: await pkcs8(rsa.privateKey), certificateDer: fakeCertificate(500, 5) },
      0x83: { privateKeyPkcs8: await pkcs8(p256.privateKey), certificateDer: fakeCertificate(500, 6) },
    },
  };
});

async function selectedCard(extra: PivSimulatorProfile = {}): Promise<SimulatedCard> {
  const card = createPivSimulator({ ...profile, ...extra });
  expect(sw(await card.transmit(SELECT_PIV))).toBe('9000');
  return card;
}

describe('answer to reset', () => {
  it("is a YubiKey's T=1 ATR whose check byte makes T0..TCK XOR to zero (ISO 7816-3 8.2.5)", () => {
    const atr = createPivSimulator().atr();
    expect(hex(atr)).toBe(hex(YUBIKEY_ATR));
    expect(atr[0]).toBe(0x3b);
    expect(atr.subarray(1).reduce((x, b) => x ^ b, 0)).toBe(0);
  });
});

describe('SELECT and the fixed objects', () => {
  it('answers the full AID and the 5-byte RID with the Application Property Template', async () => {
    for (const aid of ['A0 00 00 03 08 00 00 10 00', 'A0 00 00 03 08', 'A0 00 00 03 08 00 00 10 00 01 00']) {
      const card = createPivSimulator();
      const response = await card.transmit(bytes(`00 A4 04 00 ${(aid.replace(/ /g, '').length / 2).toString(16).padStart(2, '0')} ${aid} 00`));
      expect(hex(response)).toBe(hex(bytes('61 11 4F 06 00 00 10 00 01 00 79 07 4F 05 A0 00 00 03 08 90 00')));
    }
  });

  it('refuses other AIDs and PIV commands before SELECT', async () => {
    const card = createPivSimulator(profile);
    expect(sw(await card.transmit(bytes('00 A4 04 00 06 D2 76 00 01 24 01 00')))).toBe('6a82');
    expect(sw(await card.transmit(bytes('00 A4 04 00 04 A0 00 00 03 00')))).toBe('6a82');
    expect(sw(await card.transmit(getData('5FC105')))).toBe('6d00');
  });

  it('answers Discovery as SP 800-73-4 part 1 A.1 lays it out (PIV PIN only)', async () => {
    const card = await selectedCard();
    expect(hex(await card.transmit(getData('7E')))).toBe(hex(bytes('7E 12 4F 0B A0 00 00 03 08 00 00 10 00 01 00 5F 2F 02 40 00 90 00')));
  });

  it('counts retired keys with on-card certificates in Key History (C1), none off card (C2)', async () => {
    const card = await selectedCard();
    expect(hex(await card.transmit(getData('5FC10C')))).toBe(hex(bytes('53 08 C1 01 02 C2 01 00 FE 00 90 00')));
  });

  it('has a CHUID whose GUID carries the serial, and a CCC', async () => {
    const card = await selectedCard({ serial: 0x01020304 });
    const chuid = await exchange(card, [getData('5FC102')]);
    expect(chuid.sw).toBe('9000');
    expect(hex(chuid.data)).toContain(`3410${'00'.repeat(12)}01020304`);
    const ccc = await card.transmit(getData('5FC107'));
    expect(hex(ccc.subarray(0, 4))).toBe('5333f015');
    expect(sw(ccc)).toBe('9000');
  });

  it('answers 6A82 for empty and unknown objects', async () => {
    const card = createPivSimulator({ slots: { 0x9a: profile.slots![0x9a]! } });
    await card.transmit(SELECT_PIV);
    for (const tag of ['5FC10A', '5FC10B', '5FC101', '5FC10D', '5FC120', '5FC106', '5FC1FF']) {
      expect(sw(await card.transmit(getData(tag)))).toBe('6a82');
    }
    expect(hex(await card.transmit(getData('5FC10C')))).toBe(hex(bytes('53 08 C1 01 00 C2 01 00 FE 00 90 00')));
  });

  it('answers the YubiKey version (INS FD) and serial (INS F8)', async () => {
    const card = await selectedCard({ serial: 12345678 });
    expect(hex(await card.transmit(bytes('00 FD 00 00 00')))).toBe('0504039000');
    expect(hex(await card.transmit(bytes('00 F8 00 00 00')))).toBe(`${(12345678).toString(16).padStart(8, '0')}9000`);
  });
});

describe('certificate objects', () => {
  it('pages a long certificate with 61xx and GET RESPONSE: 53 {70 cert, 71 00, FE 00}', async () => {
    const card = await selectedCard();
    const first = await card.transmit(getData('5FC10A'));
    expect(first.length).toBe(258);
    expect(sw(first)).toBe('6100');
    const { data, sw: last } = await exchange(card, [getData('5FC10A')]);
    expect(last).toBe('9000');
    const cert = profile.slots![0x9c]!.certificateDer;
    expect(hex(data)).toBe(hex(Uint8Array.of(0x53, 0x82, 0x04, 0xb9, 0x70, 0x82, 0x04, 0xb0, ...cert, 0x71, 0x01, 0x00, 0xfe, 0x00)));
  });

  it('stores a gzip-compressed certificate with CertInfo 01, and it inflates to the DER', async () => {
    const card = await selectedCard();
    const { data } = await exchange(card, [getData('5FC10B')]);
    const object = readTlv(data, 0);
    expect(object.tag).toBe(0x53);
    const cert = readTlv(object.value, 0);
    expect(cert.tag).toBe(0x70);
    const gz = cert.value;
    expect(hex(object.value.subarray(cert.next))).toBe('710101fe00');
    const inflated = new Uint8Array(await new Response(new Blob([gz.slice()]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
    expect(hex(inflated)).toBe(hex(profile.slots![0x9d]!.certificateDer));
  });

  it('serves retired slot certificates under 5FC10D onward', async () => {
    const card = await selectedCard();
    const { data } = await exchange(card, [getData('5FC10E')]);
    expect(hex(data)).toContain(hex(profile.slots![0x83]!.certificateDer));
  });

  it('pages a GET RESPONSE that itself asks for less (Le 10)', async () => {
    const card = await selectedCard();
    await card.transmit(getData('5FC105'));
    const part = await card.transmit(bytes('00 C0 00 00 0A'));
    expect(part.length).toBe(12);
    // 53 82 01 35 {70 82 01 2C <300>, 71 01 00, FE 00} is 313 bytes.
    expect(sw(part)).toBe(`61${(313 - 256 - 10).toString(16)}`);
  });
});

describe('PIN', () => {
  it('counts wrong PINs down (63Cx), blocks (6983), and the status query tells', async () => {
    const card = await selectedCard();
    expect(sw(await card.transmit(VERIFY_STATUS))).toBe('63c3');
    expect(sw(await card.transmit(VERIFY_WRONG))).toBe('63c2');
    expect(sw(await card.transmit(VERIFY_STATUS))).toBe('63c2');
    expect(sw(await card.transmit(VERIFY_WRONG))).toBe('63c1');
    expect(sw(await card.transmit(VERIFY_WRONG))).toBe('63c0');
    expect(sw(await card.transmit(VERIFY_123456))).toBe('6983');
    expect(sw(await card.transmit(VERIFY_STATUS))).toBe('6983');
  });

  it('resets the counter on the right PIN and reports verified (9000) until reset or re-SELECT', async () => {
    const card = await selectedCard();
    expect(sw(await card.transmit(VERIFY_WRONG))).toBe('63c2');
    expect(sw(await card.transmit(VERIFY_123456))).toBe('9000');
    expect(sw(await card.transmit(VERIFY_STATUS))).toBe('9000');
    expect(sw(await card.transmit(SELECT_PIV))).toBe('9000');
    expect(sw(await card.transmit(VERIFY_STATUS))).toBe('63c3');
    expect(sw(await card.transmit(VERIFY_123456))).toBe('9000');
    expect(sw(await card.transmit(bytes('00 20 FF 80')))).toBe('9000');
    expect(sw(await card.transmit(VERIFY_STATUS))).toBe('63c3');
  });

  it('wants the PIN 0xFF-padded to 8 bytes and only the PIV PIN reference', async () => {
    const card = await selectedCard();
    expect(sw(await card.transmit(bytes('00 20 00 80 06 31 32 33 34 35 36')))).toBe('6700');
    expect(sw(await card.transmit(bytes('00 20 00 00 08 31 32 33 34 35 36 FF FF')))).toBe('6a88');
    expect(sw(await card.transmit(VERIFY_STATUS))).toBe('63c3');
  });

  it('unblocks with the PUK (RESET RETRY COUNTER) and changes the PIN (CHANGE REFERENCE DATA)', async () => {
    const card = await selectedCard({ pinRetries: 1 });
    expect(sw(await card.transmit(VERIFY_WRONG))).toBe('63c0');
    expect(sw(await card.transmit(bytes('00 2C 00 80 10 3131313131313131 3635343332317FFF')))).toBe('6a80');
    expect(sw(await card.transmit(bytes('00 2C 00 80 10 3132333435363738 363534333231FFFF')))).toBe('9000');
    expect(sw(await card.transmit(VERIFY_123456))).toBe('63c0');
    expect(sw(await card.transmit(bytes('00 2C 00 80 10 3132333435363738 363534333231FFFF')))).toBe('9000');
    expect(sw(await card.transmit(bytes('00 24 00 80 10 363534333231FFFF 313233343536FFFF')))).toBe('9000');
    expect(sw(await card.transmit(VERIFY_123456))).toBe('9000');
  });

  it('forgets the PIN and the selection on reset()', async () => {
    const card = await selectedCard();
    expect(sw(await card.transmit(VERIFY_123456))).toBe('9000');
    card.reset();
    expect(sw(await card.transmit(VERIFY_STATUS))).toBe('6d00');
    await card.transmit(SELECT_PIV);
    expect(sw(await card.transmit(VERIFY_STATUS))).toBe('63c3');
  });
});

describe('GENERAL AUTHENTICATE', () => {
  const digest = async (hash: string, text: string) => new Uint8Array(await subtle.digest(hash, new TextEncoder().encode(text)));

  /** EMSA-PKCS1-v1_5 (RFC 8017 9.2) for SHA-256, k = 256. */
  async function emsaSha256(text: string): Promise<Uint8Array> {
    const digestInfo = Uint8Array.of(...bytes('3031300d060960864801650304020105000420'), ...(await digest('SHA-256', text)));
    const em = new Uint8Array(256).fill(0xff);
    em[0] = 0x00;
    em[1] = 0x01;
    em[256 - digestInfo.length - 1] = 0x00;
    em.set(digestInfo, 256 - digestInfo.length);
    return em;
  }

  it('signs RSA-2048 with 9C from a chained command (SP 800-73-4 layout), paged answer, WebCrypto verifies', async () => {
    const card = await selectedCard();
    const parts = chained(0x87, 0x07, 0x9c, template(0x81, await emsaSha256('hello')));
    expect(hex(parts[0]!.subarray(0, 14))).toBe(hex(bytes('10 87 07 9C FF 7C 82 01 06 82 00 81 82 01')));
    expect(parts[1]!.length).toBe(5 + 11 + 1);
    await card.transmit(VERIFY_123456);
    const first = await card.transmit(parts[0]!);
    expect(sw(first)).toBe('9000');
    const answer = await card.transmit(parts[1]!);
    expect(answer.length).toBe(258);
    expect(sw(answer)).toBe('6108');
    const rest = await card.transmit(bytes('00 C0 00 00 08'));
    expect(sw(rest)).toBe('9000');
    const signature = responseValue(Uint8Array.of(...body(answer), ...body(rest)));
    expect(await subtle.verify('RSASSA-PKCS1-v1_5', rsa.publicKey, signature.slice(), new TextEncoder().encode('hello'))).toBe(true);
  });

  it('wants a fresh VERIFY before every 9C operation (PIN always)', async () => {
    const card = await selectedCard();
    const command = chained(0x87, 0x07, 0x9c, template(0x81, await emsaSha256('x')));
    expect((await exchange(card, command)).sw).toBe('6982');
    await card.transmit(VERIFY_123456);
    expect((await exchange(card, command)).sw).toBe('9000');
    expect((await exchange(card, command)).sw).toBe('6982');
    await card.transmit(VERIFY_123456);
    expect((await exchange(card, command)).sw).toBe('9000');
  });

  it('does the raw RSA operation for decryption with a retired key (82)', async () => {
    const card = await selectedCard();
    await card.transmit(VERIFY_123456);
    const em = await emsaSha256('decrypt me');
    // The "ciphertext" is the signature of em, so the private operation's inverse (public) recovers em.
    const { data } = await exchange(card, chained(0x87, 0x07, 0x82, template(0x81, em)));
    const c = responseValue(data);
    expect(await subtle.verify('RSASSA-PKCS1-v1_5', rsa.publicKey, c.slice(), new TextEncoder().encode('decrypt me'))).toBe(true);
  });

  it('signs a P-384 hash with 9E without a PIN, answering DER that WebCrypto verifies', async () => {
    const card = await selectedCard();
    const hash = await digest('SHA-384', 'card auth');
    const { data, sw: last } = await exchange(card, chained(0x87, 0x14, 0x9e, template(0x81, hash)));
    expect(last).toBe('9000');
    const raw = derToRaw(responseValue(data), 48);
    expect(await subtle.verify({ name: 'ECDSA', hash: 'SHA-384' }, p384.publicKey, raw.slice(), new TextEncoder().encode('card auth'))).toBe(true);
  });

  it('needs the PIN for 9A and 9D', async () => {
    const card = await selectedCard();
    expect((await exchange(card, chained(0x87, 0x14, 0x9a, template(0x81, new Uint8Array(48))))).sw).toBe('6982');
    await card.transmit(VERIFY_123456);
    expect((await exchange(card, chained(0x87, 0x14, 0x9a, template(0x81, new Uint8Array(48))))).sw).toBe('9000');
  });

  it('derives the ECDH shared secret Z with 9D (tag 85) as WebCrypto does', async () => {
    const card = await selectedCard();
    await card.transmit(VERIFY_123456);
    const peer = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    const peerPoint = new Uint8Array(await subtle.exportKey('raw', peer.publicKey));
    const command = chained(0x87, 0x11, 0x9d, template(0x85, peerPoint));
    expect(hex(command[0]!.subarray(0, 11))).toBe(hex(bytes('00 87 11 9D 47 7C 45 82 00 85 41')));
    const { data, sw: last } = await exchange(card, command);
    expect(last).toBe('9000');
    const expected = new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: p256.publicKey }, peer.privateKey, 256));
    expect(hex(data)).toBe(hex(Uint8Array.of(0x7c, 0x22, 0x82, 0x20, ...expected)));
  });

  it('refuses a point off the curve, a wrong algorithm, an empty slot and a malformed template', async () => {
    const card = await selectedCard();
    await card.transmit(VERIFY_123456);
    const offCurve = Uint8Array.of(0x04, ...new Uint8Array(64).fill(1));
    expect((await exchange(card, chained(0x87, 0x11, 0x9d, template(0x85, offCurve)))).sw).toBe('6a80');
    expect((await exchange(card, chained(0x87, 0x07, 0x9d, template(0x81, new Uint8Array(256))))).sw).toBe('6a86');
    expect((await exchange(card, chained(0x87, 0x11, 0x84, template(0x81, new Uint8Array(32))))).sw).toBe('6a88');
    expect(sw(await card.transmit(bytes('00 87 11 9D 04 7C 05 82 00 00')))).toBe('6a80');
    expect(sw(await card.transmit(bytes('00 87 11 9D 04 7C 02 81 00')))).toBe('6a80');
    // An RSA block equal to n or longer than k.
    expect((await exchange(card, chained(0x87, 0x07, 0x82, template(0x81, new Uint8Array(256).fill(0xff))))).sw).toBe('6a80');
    expect((await exchange(card, chained(0x87, 0x07, 0x82, template(0x81, new Uint8Array(257))))).sw).toBe('6a80');
  });

  it('gives a card-management witness (9B, 7C 02 81 00), which OpenSC uses as random', async () => {
    const card = await selectedCard();
    const response = await card.transmit(bytes('00 87 00 9B 04 7C 02 81 00 00'));
    expect(hex(response.subarray(0, 4))).toBe('7c0a8108');
    expect(sw(response)).toBe('9000');
  });
});

describe('hostile or absurd input', () => {
  it('answers status words, never throws', async () => {
    const card = await selectedCard();
    expect(sw(await card.transmit(new Uint8Array(0)))).toBe('6700');
    expect(sw(await card.transmit(bytes('00 CB 3F')))).toBe('6700');
    expect(sw(await card.transmit(bytes('00 CB 3F FF 05 5C 03')))).toBe('6700');
    expect(sw(await card.transmit(bytes('80 CB 3F FF 05 5C 03 5F C1 05 00')))).toBe('6e00');
    expect(sw(await card.transmit(bytes('00 12 00 00')))).toBe('6d00');
    expect(sw(await card.transmit(bytes('00 CB 3F FF 04 5C 82 FF FF 00')))).toBe('6a80');
    expect(sw(await card.transmit(bytes('00 CB 3F FF 02 53 00 00')))).toBe('6a80');
    expect(sw(await card.transmit(bytes('00 C0 00 00 00')))).toBe('6985');
  });

  it(`caps chained command data at ${MAX_CHAINED_COMMAND} bytes`, async () => {
    const card = await selectedCard();
    const part = Uint8Array.of(0x10, 0x87, 0x07, 0x9c, 0xff, ...new Uint8Array(255));
    let last = '';
    for (let i = 0; i * 255 <= MAX_CHAINED_COMMAND; i++) last = sw(await card.transmit(part));
    expect(last).toBe('6700');
    // The chain is gone: the next command starts afresh.
    expect(sw(await card.transmit(getData('7E')))).toBe('9000');
  });

  it('parses extended-length APDUs (ISO 7816-4 5.1) and answers up to their Le at once', async () => {
    const card = await selectedCard();
    const response = await card.transmit(bytes('00 CB 3F FF 00 00 05 5C 03 5F C1 0A 00 00'));
    expect(sw(response)).toBe('9000');
    expect(response.length).toBe(4 + 1209 + 2);
  });

  it('rejects a bad profile with a typed error', () => {
    const attempts: PivSimulatorProfile[] = [
      { pin: '123' },
      { puk: 'x'.repeat(9) },
      { pinRetries: 0 },
      { slots: { 0x9b: profile.slots![0x9a]! } },
      { slots: { 0x9a: { privateKeyPkcs8: Uint8Array.of(0x30, 0x00), certificateDer: new Uint8Array(1) } } },
    ];
    for (const attempt of attempts) {
      let caught: unknown;
      try {
        createPivSimulator(attempt);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeDefined();
      // A malformed key surfaces as lib/smime's coded error; everything else as ours.
      if (attempt.slots?.[0x9a]) expect((caught as { code?: string }).code).toBe('malformed-key');
      else expect(isTokenError(caught) && caught.code).toBe('invalid-argument');
    }
  });
});
