import { describe, expect, it } from 'vitest';

import { BRIDGE_LIMITS, decodeBytes, parseBridgeFrame, parseClientFrame } from './bridge-protocol';

describe('parseClientFrame (what the bridge accepts)', () => {
  it('reads the frames the protocol knows', () => {
    expect(parseClientFrame('{"type":"pair","code":"ABCD-EFGH"}')).toEqual({ type: 'pair', code: 'ABCD-EFGH' });
    expect(parseClientFrame('{"type":"transmit","id":3,"apdu":"AKQEAA=="}')).toEqual({ type: 'transmit', id: 3, apdu: 'AKQEAA==' });
    expect(parseClientFrame('{"type":"connect","id":0,"reader":"R 00 00"}')).toEqual({ type: 'connect', id: 0, reader: 'R 00 00' });
  });

  it.each([
    ['not JSON', '{"type":'],
    ['an array', '[1]'],
    ['an unknown type', '{"type":"shutdown","id":1}'],
    ['a request without id', '{"type":"list-readers"}'],
    ['a negative id', '{"type":"list-readers","id":-1}'],
    ['an empty pairing code', '{"type":"pair","code":""}'],
    ['an over-long token', JSON.stringify({ type: 'hello', token: 'x'.repeat(BRIDGE_LIMITS.credential + 1) })],
    ['an over-long reader name', JSON.stringify({ type: 'connect', id: 1, reader: 'r'.repeat(BRIDGE_LIMITS.readerName + 1) })],
    ['a frame over the size cap', JSON.stringify({ type: 'transmit', id: 1, apdu: 'A'.repeat(BRIDGE_LIMITS.messageBytes) })],
  ])('refuses %s', (_what, text) => {
    expect(parseClientFrame(text)).toBeNull();
  });
});

describe('parseBridgeFrame (what the browser accepts)', () => {
  it('keeps only the error codes a bridge may send', () => {
    expect(parseBridgeFrame('{"type":"error","id":1,"code":"card-removed","message":"gone"}')).toMatchObject({ code: 'card-removed' });
    expect(parseBridgeFrame('{"type":"error","id":1,"code":"pin-blocked","message":"?"}')).toMatchObject({ code: 'transport-error' });
  });

  it('refuses unknown events and malformed reader lists', () => {
    expect(parseBridgeFrame('{"type":"event","event":"self-destruct"}')).toBeNull();
    expect(parseBridgeFrame('{"type":"result","id":1,"readers":[{"name":"R"}]}')).toBeNull();
    expect(parseBridgeFrame(JSON.stringify({ type: 'result', id: 1, readers: Array(BRIDGE_LIMITS.readers + 1).fill({ name: 'R', cardPresent: true }) }))).toBeNull();
  });
});

describe('decodeBytes', () => {
  it('decodes strict base64 within the cap', () => {
    expect(decodeBytes('kAA=', 2)).toEqual(Uint8Array.of(0x90, 0x00));
  });

  it.each([
    ['non-canonical padding', 'kAA', 2],
    ['whitespace', 'kA A=', 2],
    ['more bytes than the cap', 'AAAA', 2],
    ['not a string', 42, 2],
  ])('refuses %s', (_what, text, max) => {
    expect(decodeBytes(text, max)).toBeNull();
  });
});
