// One logical command over an ApduTransport, as ISO/IEC 7816-4 section 5 wants it carried:
// command chaining (CLA bit 0x10, 255-byte parts) when the data exceeds a short Lc and the
// reader cannot do extended length; 61xx answered with GET RESPONSE until the card is done;
// 6Cxx answered by sending the command again with the Le the card asked for. The card and the
// reader are untrusted, so every loop and the response size are capped.
import { TokenError, isTokenError } from '../errors';
import type { ApduTransport } from '../transport';
import {
  type ApduForm,
  type CommandApdu,
  type ResponseApdu,
  EXTENDED_LC_MAX,
  SHORT_LC_MAX,
  SHORT_LE_MAX,
  SW,
  encodeCommand,
  isMoreData,
  isWrongLe,
  parseResponse,
  statusError,
  swCount,
} from './apdu';
import { concatBytes } from '../../bytes';

export const SESSION_LIMITS = {
  /** Bytes of one response, all GET RESPONSE parts together; PIV objects stay far below. */
  responseBytes: 64 * 1024,
  /** GET RESPONSE rounds for one command: 256 full rounds already reach responseBytes. */
  getResponseRounds: 256,
  /** Resends after 6Cxx for one command: a card honest about its Le needs one. */
  wrongLeResends: 2,
} as const;

const CHAINING_BIT = 0x10;
const GET_RESPONSE = 0xc0;

export class Iso7816Session {
  constructor(readonly transport: ApduTransport) {}

  /**
   * Sends `command` and returns the card's final answer (all data, last status word) whatever
   * that status word is. Transport failures reject with their TokenError; caps reject with
   * 'limit-exceeded'.
   */
  async transmit(command: CommandApdu): Promise<ResponseApdu> {
    const data = command.data ?? new Uint8Array(0);
    const le = command.le;
    if (data.length > EXTENDED_LC_MAX) throw new TokenError('invalid-argument', `${data.length} bytes of command data are more than any APDU carries.`);
    const extended = this.transport.capabilities.extendedLength && (data.length > SHORT_LC_MAX || (le ?? 0) > SHORT_LE_MAX);
    if (extended) return this.collect(command, 'extended');

    // Short form: a larger Le becomes "256", and 61xx brings the rest.
    const shortLe = le === undefined ? undefined : Math.min(le, SHORT_LE_MAX);
    const lastOffset = data.length > SHORT_LC_MAX ? Math.floor((data.length - 1) / SHORT_LC_MAX) * SHORT_LC_MAX : 0;
    for (let offset = 0; offset < lastOffset; offset += SHORT_LC_MAX) {
      // ISO/IEC 7816-4 section 5.3.3: every part but the last has CLA bit 0x10 and answers 9000.
      const part: CommandApdu = { ...command, cla: command.cla | CHAINING_BIT, data: data.subarray(offset, offset + SHORT_LC_MAX), le: undefined };
      const answer = await this.exchange(part, 'short');
      if (answer.sw !== SW.OK) return answer;
      if (answer.data.length > 0) throw new TokenError('card-error', 'The card answered data to a chained command part.');
    }
    return this.collect({ ...command, data: data.subarray(lastOffset), le: shortLe }, 'short');
  }

  /** transmit(), and the data when the card answered 9000; any other status word is a TokenError. */
  async send(command: CommandApdu, what: string): Promise<Uint8Array> {
    const answer = await this.transmit(command);
    if (answer.sw !== SW.OK) throw statusError(answer.sw, what);
    return answer.data;
  }

  /** The last (or only) command APDU, then 6Cxx resends and GET RESPONSE rounds. */
  private async collect(command: CommandApdu, form: ApduForm): Promise<ResponseApdu> {
    let answer = await this.exchange(command, form);
    for (let resends = 0; isWrongLe(answer.sw); resends++) {
      if (resends === SESSION_LIMITS.wrongLeResends) throw new TokenError('limit-exceeded', 'The card keeps asking for a different Le.');
      answer = await this.exchange({ ...command, le: swCount(answer.sw) }, form);
    }
    const parts = [answer.data];
    let total = answer.data.length;
    for (let rounds = 0; isMoreData(answer.sw); rounds++) {
      if (rounds === SESSION_LIMITS.getResponseRounds) throw new TokenError('limit-exceeded', `The card's answer needs more than ${rounds} GET RESPONSE rounds.`);
      // GET RESPONSE keeps the command's class (logical channel) but is never part of a chain.
      answer = await this.exchange({ cla: command.cla & ~CHAINING_BIT, ins: GET_RESPONSE, p1: 0, p2: 0, le: swCount(answer.sw) }, 'short');
      total += answer.data.length;
      if (total > SESSION_LIMITS.responseBytes) throw tooLong();
      parts.push(answer.data);
    }
    return { data: parts.length === 1 ? answer.data : concatBytes(...parts), sw: answer.sw };
  }

  /** One APDU there and back; anything that is not a TokenError is the transport's failure. */
  private async exchange(command: CommandApdu, form: ApduForm): Promise<ResponseApdu> {
    const bytes = encodeCommand(command, form);
    let raw: Uint8Array;
    try {
      raw = await this.transport.transmit(bytes);
    } catch (error) {
      if (isTokenError(error)) throw error;
      throw new TokenError('transport-error', `The reader failed: ${(error as Error)?.message ?? String(error)}`);
    } finally {
      if (command.sensitive) bytes.fill(0);
    }
    if (raw.length > SESSION_LIMITS.responseBytes + 2) throw tooLong();
    return parseResponse(raw);
  }
}

const tooLong = () => new TokenError('limit-exceeded', `The card's answer is longer than ${SESSION_LIMITS.responseBytes} bytes.`);
