import { afterEach, describe, expect, it } from 'vitest';

import { ScriptedTransport, type ScriptStep, hex, toHex } from '@/tests/support/scripted-transport';

import { concatBytes } from '../../bytes';
import { encodeTlv } from '../apdu/ber-tlv';
import { Iso7816Session } from '../apdu/iso7816-session';
import { PIV_LIMITS, PivClient } from './piv-client';

const ok = (data: Uint8Array = new Uint8Array(0)) => concatBytes(data, hex('9000'));
const bytes = (length: number, seed: number) => new Uint8Array(length).map((_, i) => (i * 13 + seed) & 0xff);

const SELECT = hex('00 a4 04 00 09 a0 00 00 03 08 00 00 10 00 00');
const YUBIKEY_APT = hex('61 11 4f 06 00 00 10 00 01 00 79 07 4f 05 a0 00 00 03 08');
const GET_DISCOVERY = hex('00 cb 3f ff 03 5c 01 7e 00');
const discovery = (policy: string) => encodeTlv(0x7e, concatBytes(hex('4f 0b a0 00 00 03 08 00 00 10 00 01 00'), hex(`5f 2f 02 ${policy}`)));
const getData = (tag: string) => hex(`00 cb 3f ff 05 5c 03 ${tag} 00`);
const certificateObject = (der: Uint8Array, certInfo = 0) => encodeTlv(0x53, concatBytes(encodeTlv(0x70, der), hex(`71 01 ${certInfo.toString(16).padStart(2, '0')}`), hex('fe 00')));
const VERIFY_123456 = hex('00 20 00 80 08 31 32 33 34 35 36 ff ff');

/** gzip through the platform's CompressionStream (Node and browsers alike). */
async function gzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(data)]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A fake certificate: a DER SEQUENCE long enough to need GET RESPONSE. */
const certificate = encodeTlv(0x30, bytes(900, 1));

let transport: ScriptedTransport;
const client = (steps: ScriptStep[]) => {
  transport = new ScriptedTransport(steps);
  return new PivClient(new Iso7816Session(transport));
};
afterEach(() => transport.assertDone());

/** Splits a response as a short-APDU card does: 256 bytes + 61xx, then GET RESPONSE steps. */
function chunked(first: Uint8Array, answer: Uint8Array): ScriptStep[] {
  const steps: ScriptStep[] = [];
  let command = first;
  for (let offset = 0; ; offset += 256) {
    const rest = answer.length - offset - 256;
    if (rest <= 0) {
      steps.push({ command, response: ok(answer.subarray(offset)) });
      return steps;
    }
    steps.push({ command, response: concatBytes(answer.subarray(offset, offset + 256), new Uint8Array([0x61, Math.min(rest, 256) & 0xff])) });
    command = hex(`00 c0 00 00 ${(Math.min(rest, 256) & 0xff).toString(16).padStart(2, '0')}`);
  }
}

describe('PivClient: SELECT and the PIN policy', () => {
  it('selects PIV and verifies the PIV PIN when Discovery names it (YubiKey answers)', async () => {
    transport = new ScriptedTransport([
      { command: SELECT, response: ok(YUBIKEY_APT) },
      { command: GET_DISCOVERY, response: ok(discovery('40 00')) },
      { command: VERIFY_123456, response: ok() },
    ]);
    const piv = await PivClient.open(transport);
    await piv.verifyPin('123456');
  });

  it('verifies the Global PIN only when Discovery says it is allowed and primary', async () => {
    const piv = client([
      { command: GET_DISCOVERY, response: ok(discovery('60 20')) },
      { command: hex('00 20 00 00 08 31 32 33 34 35 36 ff ff'), response: ok() },
      { command: GET_DISCOVERY, response: ok(discovery('60 10')) },
      { command: VERIFY_123456, response: ok() },
      { command: GET_DISCOVERY, response: hex('6a 82') },
      { command: VERIFY_123456, response: ok() },
    ]);
    expect(await piv.readPinPolicy()).toBe('global');
    await piv.verifyPin('123456');
    expect(await piv.readPinPolicy()).toBe('piv');
    await piv.verifyPin('123456');
    expect(await piv.readPinPolicy()).toBe('piv');
    await piv.verifyPin('123456');
  });

  it('says unsupported-card when there is no PIV application', async () => {
    transport = new ScriptedTransport([{ command: SELECT, response: hex('6a 82') }]);
    await expect(PivClient.open(transport)).rejects.toMatchObject({ code: 'unsupported-card' });
  });
});

describe('PivClient: certificates', () => {
  it('reads a certificate over GET RESPONSE', async () => {
    const piv = client(chunked(getData('5f c1 05'), certificateObject(certificate)));
    expect(await piv.readCertificate(0x9a)).toEqual(certificate);
  });

  it('inflates gzip certificates (CertInfo 01, and 80 as old cards set it)', async () => {
    const gz = await gzip(certificate);
    // `printf '\x30\x03\x02\x01\x05' | gzip -n -9`: a vector from the gzip tool itself.
    const fromGzipTool = hex('1f8b080000000000020333606662640500d5f1431f05000000');
    const piv = client([
      ...chunked(getData('5f c1 0a'), certificateObject(gz, 0x01)),
      ...chunked(getData('5f c1 0b'), certificateObject(gz, 0x80)),
      { command: getData('5f c1 05'), response: ok(certificateObject(fromGzipTool, 0x01)) },
    ]);
    expect(gz.length).toBeLessThan(certificate.length);
    expect(await piv.readCertificate(0x9c)).toEqual(certificate);
    expect(await piv.readCertificate(0x9d)).toEqual(certificate);
    expect(await piv.readCertificate(0x9a)).toEqual(hex('30 03 02 01 05'));
  });

  it('stops a gzip bomb and refuses broken gzip', async () => {
    const bomb = await gzip(new Uint8Array(PIV_LIMITS.decompressedCertificateBytes * 16));
    expect(bomb.length).toBeLessThan(4096);
    const piv = client([
      ...chunked(getData('5f c1 01'), certificateObject(bomb, 0x01)),
      { command: getData('5f c1 01'), response: ok(certificateObject(bytes(40, 9), 0x01)) },
    ]);
    await expect(piv.readCertificate(0x9e)).rejects.toMatchObject({ code: 'limit-exceeded' });
    await expect(piv.readCertificate(0x9e)).rejects.toMatchObject({ code: 'card-error' });
  });

  it('treats 6A82 and an empty object as an empty slot, and refuses a bad object', async () => {
    const piv = client([
      { command: getData('5f c1 05'), response: hex('6a 82') },
      { command: getData('5f c1 05'), response: ok(hex('53 00')) },
      { command: getData('5f c1 05'), response: ok(hex('53 05 70 00 71 01 00')) },
      { command: getData('5f c1 05'), response: ok(hex('53 10 70 05 01')) },
      { command: getData('5f c1 05'), response: ok(hex('54 00')) },
    ]);
    expect(await piv.readCertificate(0x9a)).toBeNull();
    expect(await piv.readCertificate(0x9a)).toBeNull();
    expect(await piv.readCertificate(0x9a)).toBeNull();
    await expect(piv.readCertificate(0x9a)).rejects.toMatchObject({ code: 'card-error' });
    await expect(piv.readCertificate(0x9a)).rejects.toMatchObject({ code: 'card-error' });
    await expect(piv.readCertificate(0x96)).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('reads the four slots and only the retired slots the Key History counts', async () => {
    const retired1 = encodeTlv(0x30, bytes(100, 2));
    const retired2 = encodeTlv(0x30, bytes(120, 3));
    const piv = client([
      { command: getData('5f c1 0c'), response: ok(hex('53 0e c1 01 02 c2 01 01 f3 04 68 74 74 70 fe 00')) },
      ...chunked(getData('5f c1 05'), certificateObject(certificate)),
      { command: getData('5f c1 0a'), response: hex('6a 82') },
      { command: getData('5f c1 0b'), response: hex('6a 82') },
      { command: getData('5f c1 01'), response: hex('6a 82') },
      { command: getData('5f c1 0d'), response: ok(certificateObject(retired1)) },
      { command: getData('5f c1 0e'), response: ok(certificateObject(retired2)) },
    ]);
    const found = await piv.readCertificates();
    expect(found.map((c) => c.slot)).toEqual([0x9a, 0x82, 0x83]);
    expect(found[2]!.der).toEqual(retired2);
  });

  it('reads the Key History counts and URL', async () => {
    const piv = client([
      { command: getData('5f c1 0c'), response: ok(hex('53 0e c1 01 00 c2 01 03 f3 04 68 74 74 70 fe 00')) },
      { command: getData('5f c1 0c'), response: hex('6a 82') },
    ]);
    expect(await piv.readKeyHistory()).toEqual({ onCardCertificates: 0, offCardCertificates: 3, url: 'http' });
    expect(await piv.readKeyHistory()).toEqual({ onCardCertificates: 0, offCardCertificates: 0 });
  });
});

describe('PivClient: the PIN', () => {
  it('maps VERIFY answers to wrong-pin with tries left, and blocked', async () => {
    const piv = client([
      { command: VERIFY_123456, response: hex('63 c2') },
      { command: VERIFY_123456, response: hex('63 c0') },
      { command: VERIFY_123456, response: hex('69 83') },
    ]);
    await expect(piv.verifyPin('123456')).rejects.toMatchObject({ code: 'wrong-pin', retriesLeft: 2 });
    await expect(piv.verifyPin('123456')).rejects.toMatchObject({ code: 'pin-blocked' });
    await expect(piv.verifyPin('123456')).rejects.toMatchObject({ code: 'pin-blocked' });
  });

  it('pads an eight-character PIN not at all and refuses PINs that do not fit', async () => {
    const piv = client([{ command: hex('00 20 00 80 08 31 32 33 34 35 36 37 38'), response: ok() }]);
    await piv.verifyPin('12345678');
    await expect(piv.verifyPin('123456789')).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(piv.verifyPin('')).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(piv.verifyPin('12345\u00e9')).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('asks the PIN state with an empty VERIFY', async () => {
    const piv = client([
      { command: hex('00 20 00 80'), response: hex('63 c3') },
      { command: hex('00 20 00 80'), response: hex('63 c1') },
      { command: hex('00 20 00 80'), response: hex('90 00') },
      { command: hex('00 20 00 80'), response: hex('69 83') },
    ]);
    expect(await piv.pinStatus()).toEqual({ verified: false, retriesLeft: 3, blocked: false });
    expect(await piv.pinStatus()).toEqual({ verified: false, retriesLeft: 1, blocked: false });
    expect(await piv.pinStatus()).toEqual({ verified: true });
    expect(await piv.pinStatus()).toEqual({ verified: false, retriesLeft: 0, blocked: true });
  });

  it('knows 9C wants the PIN before every use', () => {
    transport = new ScriptedTransport([]);
    const piv = new PivClient(new Iso7816Session(transport));
    expect(piv.requiresPinEachUse(0x9c)).toBe(true);
    expect(piv.requiresPinEachUse(0x9d)).toBe(false);
    expect(piv.requiresPinEachUse(0x9a)).toBe(false);
  });
});

describe('PivClient: GENERAL AUTHENTICATE', () => {
  it('signs RSA-2048 in 9C with chaining and GET RESPONSE, as the notes lay it out', async () => {
    const block = bytes(256, 4);
    const data = concatBytes(hex('7c 82 01 06 82 00 81 82 01 00'), block);
    const signature = bytes(256, 7);
    const answer = concatBytes(hex('7c 82 01 04 82 82 01 00'), signature);
    const piv = client([
      { command: concatBytes(hex('10 87 07 9c ff'), data.subarray(0, 255)), response: ok() },
      { command: concatBytes(hex('00 87 07 9c 0b'), data.subarray(255), hex('00')), response: concatBytes(answer.subarray(0, 256), hex('61 08')) },
      { command: hex('00 c0 00 00 08'), response: ok(answer.subarray(256)) },
    ]);
    expect(await piv.rsaPrivateOperation(0x9c, block)).toEqual(signature);
  });

  it('picks the RSA algorithm from the modulus size and left-pads a short answer', async () => {
    const block = bytes(128, 4);
    const piv = client([
      { command: concatBytes(hex('00 87 06 9d 88 7c 81 85 82 00 81 81 80'), block, hex('00')), response: ok(hex('7c 05 82 03 01 02 03')) },
    ]);
    const result = await piv.rsaPrivateOperation(0x9d, block);
    expect(result).toHaveLength(128);
    expect(toHex(result.subarray(124))).toBe('00010203');
    await expect(piv.rsaPrivateOperation(0x9d, bytes(200, 1))).rejects.toMatchObject({ code: 'unsupported-algorithm' });
  });

  it('signs P-256 ECDSA: 00 87 11 9C 26 7C 24 82 00 81 20 <hash> 00, DER back', async () => {
    const hash = bytes(32, 11);
    const der = concatBytes(hex('30 44 02 20'), bytes(32, 1).map((b) => b & 0x7f), hex('02 20'), bytes(32, 2).map((b) => b & 0x7f));
    const piv = client([{ command: concatBytes(hex('00 87 11 9c 26 7c 24 82 00 81 20'), hash, hex('00')), response: ok(concatBytes(hex('7c 48 82 46'), der)) }]);
    expect(await piv.ecdsaSign(0x9c, 'P-256', hash)).toEqual(der);
  });

  it('cuts a longer hash and zero-pads a shorter one to the field size', async () => {
    const sha384 = bytes(48, 5);
    const sha256 = bytes(32, 6);
    const der = hex('30 06 02 01 01 02 01 02');
    const piv = client([
      { command: concatBytes(hex('00 87 11 9c 26 7c 24 82 00 81 20'), sha384.subarray(0, 32), hex('00')), response: ok(concatBytes(hex('7c 0a 82 08'), der)) },
      { command: concatBytes(hex('00 87 14 9c 36 7c 34 82 00 81 30'), new Uint8Array(16), sha256, hex('00')), response: ok(concatBytes(hex('7c 0a 82 08'), der)) },
    ]);
    expect(await piv.ecdsaSign(0x9c, 'P-256', sha384)).toEqual(der);
    expect(await piv.ecdsaSign(0x9c, 'P-384', sha256)).toEqual(der);
  });

  it('derives ECDH Z with tag 85: 00 87 11 9D 47 7C 45 82 00 85 41 04 X Y 00', async () => {
    const point = concatBytes(hex('04'), bytes(64, 3));
    const z = bytes(32, 8);
    const piv = client([{ command: concatBytes(hex('00 87 11 9d 47 7c 45 82 00 85 41'), point, hex('00')), response: ok(concatBytes(hex('7c 22 82 20'), z)) }]);
    expect(await piv.ecdh(0x9d, 'P-256', point)).toEqual(z);
    await expect(piv.ecdh(0x9d, 'P-256', point.subarray(0, 33))).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('uses retired slots and refuses unknown ones', async () => {
    const point = concatBytes(hex('04'), bytes(64, 3));
    const piv = client([{ command: concatBytes(hex('00 87 11 95 47 7c 45 82 00 85 41'), point, hex('00')), response: ok(concatBytes(hex('7c 22 82 20'), bytes(32, 1))) }]);
    await piv.ecdh(0x95, 'P-256', point);
    await expect(piv.ecdh(0x96, 'P-256', point)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(piv.ecdh(0x9b, 'P-256', point)).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('turns 6982 into pin-required and 6A88 into unsupported-card', async () => {
    const hash = bytes(32, 11);
    const command = concatBytes(hex('00 87 11 9c 26 7c 24 82 00 81 20'), hash, hex('00'));
    const piv = client([
      { command, response: hex('69 82') },
      { command, response: hex('6a 88') },
    ]);
    await expect(piv.ecdsaSign(0x9c, 'P-256', hash)).rejects.toMatchObject({ code: 'pin-required' });
    await expect(piv.ecdsaSign(0x9c, 'P-256', hash)).rejects.toMatchObject({ code: 'unsupported-card' });
  });

  it('refuses hostile answers with card-error', async () => {
    const hash = bytes(32, 11);
    const ecdsa = concatBytes(hex('00 87 11 9c 26 7c 24 82 00 81 20'), hash, hex('00'));
    const point = concatBytes(hex('04'), bytes(64, 3));
    const ecdh = concatBytes(hex('00 87 11 9d 47 7c 45 82 00 85 41'), point, hex('00'));
    const block = bytes(128, 4);
    const rsa = concatBytes(hex('00 87 06 9d 88 7c 81 85 82 00 81 81 80'), block, hex('00'));
    const piv = client([
      { command: ecdsa, response: ok(hex('53 02 82 00')) }, // not 7C
      { command: ecdsa, response: ok(hex('7c 02 81 00')) }, // no 82
      { command: ecdsa, response: ok(hex('7c 06 82 04 04 02 01 01')) }, // not a SEQUENCE
      { command: ecdsa, response: ok(concatBytes(hex('7c 2a 82 28 30 26 02 22'), new Uint8Array(34), hex('02 00'))) }, // r too long, s empty
      { command: ecdh, response: ok(concatBytes(hex('7c 12 82 10'), bytes(16, 1))) }, // short Z
      { command: ecdh, response: ok(hex('7c 82 ff ff 82 00')) }, // length beyond the data
      { command: rsa, response: ok(concatBytes(hex('7c 81 84 82 81 81'), bytes(129, 1))) }, // longer than the modulus
    ]);
    for (let i = 0; i < 4; i++) await expect(piv.ecdsaSign(0x9c, 'P-256', hash)).rejects.toMatchObject({ code: 'card-error' });
    await expect(piv.ecdh(0x9d, 'P-256', point)).rejects.toMatchObject({ code: 'card-error' });
    await expect(piv.ecdh(0x9d, 'P-256', point)).rejects.toMatchObject({ code: 'card-error' });
    await expect(piv.rsaPrivateOperation(0x9d, block)).rejects.toMatchObject({ code: 'card-error' });
  });
});
