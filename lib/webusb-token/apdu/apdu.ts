// ISO/IEC 7816-4 section 5.1: command APDUs (cases 1-4, short and extended), response APDUs, and
// the status words every layer above shares. Encoding only: chaining, GET RESPONSE and the choice
// between short and extended are the session's (iso7816-session.ts).
import { TokenError } from '../errors';

export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  /** Command data (Lc and the data field); absent or empty for cases 1 and 2. */
  data?: Uint8Array;
  /**
   * Expected response length Ne; absent for cases 1 and 3. Short APDUs carry at most 256 (Le 00),
   * extended ones at most 65536 (Le 0000). LE_MAX asks for "everything there is".
   */
  le?: number;
  /** The data holds a secret (a PIN): the session wipes its encoded copy once the card answered. */
  sensitive?: boolean;
}

export interface ResponseApdu {
  data: Uint8Array;
  /** SW1 SW2 as one number, 0x9000 for success. */
  sw: number;
}

export const SHORT_LC_MAX = 255;
export const SHORT_LE_MAX = 256;
export const EXTENDED_LC_MAX = 65535;
export const LE_MAX = 65536;

export const SW = {
  OK: 0x9000,
  WARNING_NO_INFO: 0x6300,
  WRONG_LENGTH: 0x6700,
  LAST_COMMAND_OF_CHAIN_EXPECTED: 0x6883,
  CHAINING_NOT_SUPPORTED: 0x6884,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  AUTHENTICATION_BLOCKED: 0x6983,
  REFERENCE_DATA_NOT_USABLE: 0x6984,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  INCORRECT_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  INCORRECT_P1P2: 0x6a86,
  REFERENCE_NOT_FOUND: 0x6a88,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
} as const;

/** SW1 0x61: SW2 more bytes wait for GET RESPONSE (00 means 256 or more). */
export const isMoreData = (sw: number) => sw >> 8 === 0x61;
/** SW1 0x6C: wrong Le, SW2 is the right one (00 means 256). */
export const isWrongLe = (sw: number) => sw >> 8 === 0x6c;
/** SW 63Cx: verification failed, x tries left. */
export const isRetryCounter = (sw: number) => (sw & 0xfff0) === 0x63c0;
/** The count a 61xx or 6Cxx carries: SW2, where 00 stands for 256. */
export const swCount = (sw: number) => sw & 0xff || 256;
export const swHex = (sw: number) => sw.toString(16).toUpperCase().padStart(4, '0');

export type ApduForm = 'short' | 'extended';

function checkByte(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new TokenError('invalid-argument', `APDU ${name} ${value} is not a byte.`);
}

/** The bytes of one command APDU, in the short or extended form (ISO/IEC 7816-4 section 5.1). */
export function encodeCommand(command: CommandApdu, form: ApduForm): Uint8Array {
  checkByte(command.cla, 'CLA');
  checkByte(command.ins, 'INS');
  checkByte(command.p1, 'P1');
  checkByte(command.p2, 'P2');
  const data = command.data ?? new Uint8Array(0);
  const le = command.le;
  const extended = form === 'extended';
  const lcMax = extended ? EXTENDED_LC_MAX : SHORT_LC_MAX;
  const leMax = extended ? LE_MAX : SHORT_LE_MAX;
  if (data.length > lcMax) throw new TokenError('invalid-argument', `${data.length} bytes of command data do not fit a ${form} APDU.`);
  if (le !== undefined && (!Number.isInteger(le) || le < 1 || le > leMax)) throw new TokenError('invalid-argument', `Le ${le} does not fit a ${form} APDU.`);

  const lc = data.length === 0 ? [] : extended ? [0, data.length >> 8, data.length & 0xff] : [data.length];
  let leField: number[] = [];
  if (le !== undefined) {
    const value = le === leMax ? 0 : le; // the maximum is encoded as zero
    // Case 2E has a 00 marker before Le; in case 4E the Lc field already began with it.
    leField = !extended ? [value] : data.length === 0 ? [0, value >> 8, value & 0xff] : [value >> 8, value & 0xff];
  }
  const header = [command.cla, command.ins, command.p1, command.p2, ...lc];
  const bytes = new Uint8Array(header.length + data.length + leField.length);
  bytes.set(header);
  bytes.set(data, header.length);
  bytes.set(leField, header.length + data.length);
  return bytes;
}

/** A response APDU: data then SW1 SW2. Fewer than two bytes is outside the protocol. */
export function parseResponse(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) throw new TokenError('card-unresponsive', 'The card answered without a status word.');
  const n = bytes.length;
  return { data: bytes.slice(0, n - 2), sw: (bytes[n - 2]! << 8) | bytes[n - 1]! };
}

/**
 * The TokenError a status word stands for when nothing more specific applies; `what` names the
 * operation for the message ("GENERAL AUTHENTICATE").
 */
export function statusError(sw: number, what: string): TokenError {
  if (isRetryCounter(sw)) {
    const left = sw & 0x0f;
    return left === 0
      ? new TokenError('pin-blocked', 'The PIN is blocked: unblock it with the PUK.')
      : new TokenError('wrong-pin', `Wrong PIN: ${left} ${left === 1 ? 'try' : 'tries'} left.`, left);
  }
  switch (sw) {
    case SW.SECURITY_STATUS_NOT_SATISFIED:
      return new TokenError('pin-required', `${what} needs the PIN first.`);
    case SW.AUTHENTICATION_BLOCKED:
      return new TokenError('pin-blocked', 'The PIN is blocked: unblock it with the PUK.');
    case SW.FILE_NOT_FOUND:
    case SW.REFERENCE_NOT_FOUND:
      return new TokenError('unsupported-card', `${what}: the card has no such object or key (${swHex(sw)}).`);
    case SW.FUNCTION_NOT_SUPPORTED:
    case SW.INS_NOT_SUPPORTED:
    case SW.CLA_NOT_SUPPORTED:
      return new TokenError('unsupported-card', `${what} is not supported by this card (${swHex(sw)}).`);
    case SW.INCORRECT_P1P2:
      return new TokenError('unsupported-algorithm', `${what}: the card does not have this key with this algorithm (${swHex(sw)}).`);
    default:
      return new TokenError('card-error', `${what} failed: the card answered ${swHex(sw)}.`);
  }
}
