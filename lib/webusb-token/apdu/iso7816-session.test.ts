import { afterEach, describe, expect, it } from 'vitest';

import { ScriptedTransport, type ScriptStep, hex, toHex } from '@/tests/support/scripted-transport';

import { TokenError } from '../errors';
import type { ApduTransport } from '../transport';
import { LE_MAX } from './apdu';
import { concatBytes } from '../../bytes';
import { Iso7816Session, SESSION_LIMITS } from './iso7816-session';

const ok = (data: Uint8Array = new Uint8Array(0)) => concatBytes(data, hex('9000'));
const bytes = (length: number, seed: number) => new Uint8Array(length).map((_, i) => (i * 7 + seed) & 0xff);

// The notes' RSA-2048 9C signature: 7C 82 01 06 { 82 00, 81 82 01 00 <256> } = 266 bytes.
const emsaBlock = bytes(256, 3);
const gaData = concatBytes(hex('7c 82 01 06 82 00 81 82 01 00'), emsaBlock);
const signature = bytes(256, 5);
const gaAnswer = concatBytes(hex('7c 82 01 04 82 82 01 00'), signature); // 264 bytes
const generalAuthenticate = { cla: 0, ins: 0x87, p1: 0x07, p2: 0x9c, data: gaData, le: LE_MAX };

let transport: ScriptedTransport;
const script = (steps: ScriptStep[], extendedLength = false) => {
  transport = new ScriptedTransport(steps, { extendedLength });
  return new Iso7816Session(transport);
};
afterEach(() => transport.assertDone());

describe('Iso7816Session', () => {
  it('chains a 266-byte command in short APDUs and collects 61 08 with GET RESPONSE (notes 3.4)', async () => {
    expect(gaData).toHaveLength(266);
    expect(gaAnswer).toHaveLength(264);
    const session = script([
      { command: concatBytes(hex('10 87 07 9c ff'), gaData.subarray(0, 255)), response: ok() },
      { command: concatBytes(hex('00 87 07 9c 0b'), gaData.subarray(255), hex('00')), response: concatBytes(gaAnswer.subarray(0, 256), hex('61 08')) },
      { command: hex('00 c0 00 00 08'), response: ok(gaAnswer.subarray(256)) },
    ]);
    const answer = await session.transmit(generalAuthenticate);
    expect(answer.sw).toBe(0x9000);
    expect(answer.data).toEqual(gaAnswer);
  });

  it('sends one extended APDU when the transport carries extended length', async () => {
    const session = script([{ command: concatBytes(hex('00 87 07 9c 00 01 0a'), gaData, hex('00 00')), response: ok(gaAnswer) }], true);
    expect(await session.send(generalAuthenticate, 'GENERAL AUTHENTICATE')).toEqual(gaAnswer);
  });

  it('keeps the short form for a short command even with extended length available', async () => {
    const session = script([{ command: hex('00 cb 3f ff 05 5c 03 5f c1 05 00'), response: ok(hex('53 00')) }], true);
    expect(await session.send({ cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, data: hex('5c 03 5f c1 05'), le: 256 }, 'GET DATA')).toEqual(hex('5300'));
  });

  it('chains exactly two full parts for 510 bytes', async () => {
    const data = bytes(510, 1);
    const session = script([
      { command: concatBytes(hex('10 db 3f ff ff'), data.subarray(0, 255)), response: ok() },
      { command: concatBytes(hex('00 db 3f ff ff'), data.subarray(255)), response: ok() },
    ]);
    expect((await session.transmit({ cla: 0, ins: 0xdb, p1: 0x3f, p2: 0xff, data })).sw).toBe(0x9000);
  });

  it('resends with the Le a 6Cxx asks for', async () => {
    const session = script([
      { command: hex('00 cb 3f ff 05 5c 03 5f c1 02 00'), response: hex('6c 03') },
      { command: hex('00 cb 3f ff 05 5c 03 5f c1 02 03'), response: ok(hex('53 01 00')) },
    ]);
    expect(await session.send({ cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, data: hex('5c 03 5f c1 02'), le: 256 }, 'GET DATA')).toEqual(hex('530100'));
  });

  it('stops a chain at the first part the card refuses and maps the status word', async () => {
    const session = script([{ command: concatBytes(hex('10 87 07 9c ff'), gaData.subarray(0, 255)), response: hex('69 82') }]);
    await expect(session.send(generalAuthenticate, 'GENERAL AUTHENTICATE')).rejects.toMatchObject({ code: 'pin-required' });
  });

  it('refuses data on an intermediate chain part', async () => {
    const session = script([{ command: concatBytes(hex('10 87 07 9c ff'), gaData.subarray(0, 255)), response: ok(hex('01')) }]);
    await expect(session.transmit(generalAuthenticate)).rejects.toMatchObject({ code: 'card-error' });
  });

  it('gives up on endless 61xx after a bounded number of rounds', async () => {
    const rounds = SESSION_LIMITS.getResponseRounds;
    const session = script([
      { command: hex('00 cb 3f ff 00'), response: hex('61 01') },
      ...Array.from({ length: rounds }, () => ({ command: hex('00 c0 00 00 01'), response: hex('00 61 01') })),
    ]);
    await expect(session.transmit({ cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, le: 256 })).rejects.toMatchObject({ code: 'limit-exceeded' });
  });

  it('caps the total collected over GET RESPONSE', async () => {
    const full = concatBytes(new Uint8Array(256), hex('61 00'));
    const rounds = SESSION_LIMITS.responseBytes / 256;
    const session = script([
      { command: hex('00 cb 3f ff 00'), response: full },
      ...Array.from({ length: rounds }, () => ({ command: hex('00 c0 00 00 00'), response: full })),
    ]);
    await expect(session.transmit({ cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, le: 256 })).rejects.toMatchObject({ code: 'limit-exceeded' });
  });

  it('refuses one oversized response and one without a status word', async () => {
    let session = script([{ command: hex('00 cb 3f ff 00'), response: new Uint8Array(SESSION_LIMITS.responseBytes + 3) }]);
    await expect(session.transmit({ cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, le: 256 })).rejects.toMatchObject({ code: 'limit-exceeded' });
    transport.assertDone();
    session = script([{ command: hex('00 cb 3f ff 00'), response: hex('90') }]);
    await expect(session.transmit({ cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, le: 256 })).rejects.toMatchObject({ code: 'card-unresponsive' });
  });

  it('gives up on a card that keeps changing its Le', async () => {
    const session = script([
      { command: hex('00 cb 3f ff 00'), response: hex('6c 10') },
      { command: hex('00 cb 3f ff 10'), response: hex('6c 20') },
      { command: hex('00 cb 3f ff 20'), response: hex('6c 10') },
    ]);
    await expect(session.transmit({ cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, le: 256 })).rejects.toMatchObject({ code: 'limit-exceeded' });
  });

  it('passes transport TokenErrors through and wraps anything else', async () => {
    let session = script([{ command: hex('00 a4 04 00 00'), response: new TokenError('card-removed', 'The card was removed.') }]);
    await expect(session.transmit({ cla: 0, ins: 0xa4, p1: 4, p2: 0, le: 256 })).rejects.toMatchObject({ code: 'card-removed' });
    transport.assertDone();
    session = script([{ command: hex('00 a4 04 00 00'), response: new Error('USB stall') }]);
    await expect(session.transmit({ cla: 0, ins: 0xa4, p1: 4, p2: 0, le: 256 })).rejects.toMatchObject({ code: 'transport-error' });
  });

  it('wipes the encoded bytes of a sensitive command once the card answered', async () => {
    const seen: Uint8Array[] = [];
    const keeping: ApduTransport = {
      capabilities: { extendedLength: false },
      transmit: async (command) => {
        seen.push(command);
        expect(toHex(command)).toBe('0020008008313233343536ffff');
        return hex('9000');
      },
      close: async () => {},
    };
    transport = new ScriptedTransport([]);
    await new Iso7816Session(keeping).transmit({ cla: 0, ins: 0x20, p1: 0, p2: 0x80, data: hex('313233343536ffff'), sensitive: true });
    expect(seen[0]).toEqual(new Uint8Array(13));
  });
});
