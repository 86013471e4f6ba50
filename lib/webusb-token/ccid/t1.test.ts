import { describe, expect, it } from 'vitest';
import { TokenError } from '../errors';
import { T1Engine, T1_MAX_WTX, lrc, parseT1Block, type T1Exchange } from './t1';

// Block vectors per ISO/IEC 7816-3 §11.3 (NAD PCB LEN INF LRC), LRCs worked out by hand (and
// checked with a Python one-liner), not with this module's encoder.
const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/).map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/** An exchange that checks each block the engine sends against the script and answers from it. */
function scripted(steps: [string, string | null][], wtxSeen: number[] = []): T1Exchange & { done(): boolean } {
  let i = 0;
  const exchange = async (block: Uint8Array, wtx: number) => {
    const step = steps[i++];
    if (!step) throw new Error(`unexpected block ${toHex(block)}`);
    expect(toHex(block)).toBe(step[0]);
    wtxSeen.push(wtx);
    return step[1] === null ? null : hex(step[1]);
  };
  return Object.assign(exchange, { done: () => i === steps.length });
}

const SELECT = '00 a4 04 00 05 a0 00 00 03 08';

describe('T=1 blocks', () => {
  it('LRC is the XOR of the block (§11.3.5.1)', () => {
    expect(lrc(hex('00 c1 01 fe'))).toBe(0x3e);
  });

  it('parses I, R and S blocks and rejects bad ones', () => {
    expect(parseT1Block(hex('00 40 02 90 00 d2'), 254)).toMatchObject({ kind: 'I', ns: 1, more: false });
    expect(parseT1Block(hex('00 92 00 92'), 254)).toMatchObject({ kind: 'R', nr: 1, error: 2 });
    expect(parseT1Block(hex('00 c3 01 05 c7'), 254)).toMatchObject({ kind: 'S', response: false, type: 3 });
    expect(parseT1Block(hex('00 40 02 90 00 d3'), 254)).toEqual({ kind: 'invalid', reason: 'edc' });
    expect(parseT1Block(hex('00 40 03 90 00 d2'), 254)).toEqual({ kind: 'invalid', reason: 'other' });
    expect(parseT1Block(hex('00 40 02 90 00 d2'), 1)).toEqual({ kind: 'invalid', reason: 'other' }); // LEN > IFSD
    expect(parseT1Block(hex('00 c3 00 c3'), 254)).toEqual({ kind: 'invalid', reason: 'other' }); // WTX without its byte
  });
});

describe('T1Engine', () => {
  it('sends S(IFS request) 00 C1 01 FE 3E and accepts the response', async () => {
    const exchange = scripted([['00 c1 01 fe 3e', '00 e1 01 fe 1e']]);
    await new T1Engine(exchange, { ifsc: 32, ifsd: 254 }).negotiateIfsd();
    expect(exchange.done()).toBe(true);
  });

  it('carries one APDU in one I-block and alternates N(S) on both sides', async () => {
    const exchange = scripted([
      ['00 00 0a 00 a4 04 00 05 a0 00 00 03 08 04', '00 00 02 90 00 92'],
      ['00 40 0a 00 a4 04 00 05 a0 00 00 03 08 44', '00 40 02 90 00 d2'],
    ]);
    const engine = new T1Engine(exchange, { ifsc: 254 });
    expect(toHex(await engine.transceive(hex(SELECT)))).toBe('90 00');
    expect(toHex(await engine.transceive(hex(SELECT)))).toBe('90 00');
    expect(exchange.done()).toBe(true);
  });

  it('chains a command longer than IFSC and waits for R-block acknowledgements (§11.6.2.3)', async () => {
    const exchange = scripted([
      ['00 20 04 00 a4 04 00 84', '00 90 00 90'],
      ['00 60 04 05 a0 00 00 c1', '00 80 00 80'],
      ['00 00 02 03 08 09', '00 00 02 90 00 92'],
    ]);
    expect(toHex(await new T1Engine(exchange, { ifsc: 4 }).transceive(hex(SELECT)))).toBe('90 00');
    expect(exchange.done()).toBe(true);
  });

  it('acknowledges a chained response with R(N(R)) and reassembles it', async () => {
    const exchange = scripted([
      ['00 00 0a 00 a4 04 00 05 a0 00 00 03 08 04', '00 20 02 01 02 21'],
      ['00 90 00 90', '00 40 03 03 90 00 d0'],
    ]);
    expect(toHex(await new T1Engine(exchange, { ifsc: 254 }).transceive(hex(SELECT)))).toBe('01 02 03 90 00');
    expect(exchange.done()).toBe(true);
  });

  it('answers S(WTX request) with the same byte and asks the reader for that multiplier', async () => {
    const wtx: number[] = [];
    const exchange = scripted(
      [
        ['00 00 0a 00 a4 04 00 05 a0 00 00 03 08 04', '00 c3 01 05 c7'],
        ['00 e3 01 05 e7', '00 00 02 90 00 92'],
      ],
      wtx,
    );
    expect(toHex(await new T1Engine(exchange, { ifsc: 254 }).transceive(hex(SELECT)))).toBe('90 00');
    expect(wtx).toEqual([1, 5]);
  });

  it('asks again with R(N(R), EDC error) after a corrupted block, and resends its I-block when the card asks', async () => {
    const exchange = scripted([
      ['00 00 0a 00 a4 04 00 05 a0 00 00 03 08 04', '00 00 02 90 00 93'], // bad LRC
      ['00 81 00 81', '00 80 00 80'], // the card had lost our block: R(0) asks for it
      ['00 00 0a 00 a4 04 00 05 a0 00 00 03 08 04', null], // mute once
      ['00 82 00 82', '00 00 02 90 00 92'],
    ]);
    expect(toHex(await new T1Engine(exchange, { ifsc: 254 }).transceive(hex(SELECT)))).toBe('90 00');
    expect(exchange.done()).toBe(true);
  });

  it('gives up after three retries, resynchronizes (S(RESYNCH)), and starts again from N(S) 0', async () => {
    const exchange = scripted([
      ['00 00 0a 00 a4 04 00 05 a0 00 00 03 08 04', null],
      ['00 82 00 82', null],
      ['00 82 00 82', null],
      ['00 82 00 82', null],
      ['00 c0 00 c0', '00 e0 00 e0'],
      ['00 00 0a 00 a4 04 00 05 a0 00 00 03 08 04', '00 00 02 90 00 92'],
    ]);
    const engine = new T1Engine(exchange, { ifsc: 254 });
    await expect(engine.transceive(hex(SELECT))).rejects.toMatchObject({ code: 'card-unresponsive' });
    expect(toHex(await engine.transceive(hex(SELECT)))).toBe('90 00');
  });

  it('takes a new IFSC from the card (S(IFS request)) for the rest of a chain', async () => {
    const exchange = scripted([
      ['00 20 04 00 a4 04 00 84', '00 c1 01 08 c8'],
      ['00 e1 01 08 e8', '00 90 00 90'],
      // after the ack, the remaining 6 bytes fit the new IFSC of 8
      ['00 40 06 05 a0 00 00 03 08 e8', '00 00 02 90 00 92'],
    ]);
    expect(toHex(await new T1Engine(exchange, { ifsc: 4 }).transceive(hex(SELECT)))).toBe('90 00');
    expect(exchange.done()).toBe(true);
  });

  it('caps the response and the WTX requests', async () => {
    let n = 0;
    const chatty: T1Exchange = async () => (n++ % 2 === 0 ? hex('00 20 02 01 02 21') : hex('00 60 02 01 02 61'));
    await expect(new T1Engine(chatty, { ifsc: 254, maxResponseLength: 100 }).transceive(hex(SELECT))).rejects.toMatchObject({ code: 'limit-exceeded' });

    let wtxCount = 0;
    const slow: T1Exchange = async () => {
      wtxCount++;
      return hex('00 c3 01 01 c3');
    };
    const error = await new T1Engine(slow, { ifsc: 254 }).transceive(hex(SELECT)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).code).toBe('card-unresponsive');
    expect(wtxCount).toBe(T1_MAX_WTX + 1);
  });
});
