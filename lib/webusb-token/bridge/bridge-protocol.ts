// The wire protocol between the browser (bridge-client.ts) and the local PC/SC bridge
// (bridge/ at the repository root): small JSON text frames. The first frame a client sends is
// `pair` (the code the bridge printed) or `hello` (the token a pairing gave); the bridge answers
// `welcome` or closes with one of BRIDGE_CLOSE. After that, requests carry an id and get exactly
// one `result` or `error` with that id; `event` frames come unasked. Both ends treat the other's
// frames as untrusted: sizes are capped and every frame is checked before use.
import { bytesToBase64 } from '../../bytes';
import type { TokenErrorCode } from '../errors';

export const BRIDGE_LIMITS = {
  /** Bytes of one frame: an extended-length APDU (65,545 bytes) in base64 with room to spare. */
  messageBytes: 128 * 1024,
  /** Bytes of one command or response APDU (ISO 7816-4 extended: 4 + 3 + 65,535 + 3; 65,536 + 2). */
  apduBytes: 65_545,
  /** Requests a client may have open at once; the bridge closes a connection that sends more. */
  pendingRequests: 8,
  /** Readers listed; more than any desk has. */
  readers: 32,
  /** Characters of a reader name (PC/SC allows 128 with the slot suffix). */
  readerName: 256,
  /** Characters of a pairing code or token on the wire. */
  credential: 128,
} as const;

/** Close codes (4000-4999 are the application's, RFC 6455 section 7.4.2) the bridge uses. */
export const BRIDGE_CLOSE = {
  /** The page's origin is not on the bridge's --origin list. */
  originNotAllowed: 4403,
  /** No pairing, an unknown token, or a wrong pairing code. */
  notPaired: 4401,
  /** Too many wrong pairing codes: the bridge printed a new code. */
  pairingLocked: 4429,
  /** A newer connection from the same origin took over (one connection per paired origin). */
  replaced: 4409,
  /** The client broke the protocol (bad frame, too many requests). */
  protocolError: 4400,
} as const;

/** The TokenError codes a bridge may send in an `error` frame; anything else reads as transport-error. */
export const BRIDGE_ERROR_CODES = ['no-reader', 'no-card', 'card-removed', 'card-unresponsive', 'transport-error', 'invalid-argument', 'limit-exceeded'] as const satisfies readonly TokenErrorCode[];
export type BridgeErrorCode = (typeof BRIDGE_ERROR_CODES)[number];

export interface BridgeReader {
  name: string;
  cardPresent: boolean;
}

export type ClientFrame =
  | { type: 'pair'; code: string }
  | { type: 'hello'; token: string }
  | { type: 'list-readers'; id: number }
  | { type: 'connect'; id: number; reader: string }
  | { type: 'transmit'; id: number; apdu: string }
  | { type: 'disconnect'; id: number };

export type BridgeFrame =
  | { type: 'welcome'; token?: string }
  | { type: 'result'; id: number; readers?: BridgeReader[]; atr?: string; apdu?: string }
  | { type: 'error'; id: number; code: BridgeErrorCode; message: string }
  | { type: 'event'; event: 'readers-changed' | 'card-inserted' | 'card-removed'; reader?: string };

export type ClientRequest = Extract<ClientFrame, { id: number }>;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const encodeBytes = bytesToBase64;

/** Strict base64 (canonical padding, no whitespace) up to `maxBytes` decoded; null for anything else. */
export function decodeBytes(text: unknown, maxBytes: number): Uint8Array | null {
  if (typeof text !== 'string' || text.length > Math.ceil(maxBytes / 3) * 4 || !BASE64.test(text)) return null;
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return bytes.length <= maxBytes ? bytes : null;
}

type Json = Record<string, unknown>;

function parseObject(text: unknown): Json | null {
  if (typeof text !== 'string' || text.length > BRIDGE_LIMITS.messageBytes) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
  } catch {
    return null;
  }
}

const isId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isText = (value: unknown, max: number): value is string => typeof value === 'string' && value.length > 0 && value.length <= max;

/** A client's frame as the bridge reads it; null when it is not one the protocol knows. */
export function parseClientFrame(text: unknown): ClientFrame | null {
  const frame = parseObject(text);
  if (!frame) return null;
  const { type, id } = frame;
  if (type === 'pair') return isText(frame.code, BRIDGE_LIMITS.credential) ? { type, code: frame.code } : null;
  if (type === 'hello') return isText(frame.token, BRIDGE_LIMITS.credential) ? { type, token: frame.token } : null;
  if (!isId(id)) return null;
  if (type === 'list-readers' || type === 'disconnect') return { type, id };
  if (type === 'connect') return isText(frame.reader, BRIDGE_LIMITS.readerName) ? { type, id, reader: frame.reader } : null;
  if (type === 'transmit') return typeof frame.apdu === 'string' ? { type, id, apdu: frame.apdu } : null;
  return null;
}

function parseReaders(value: unknown): BridgeReader[] | null {
  if (!Array.isArray(value) || value.length > BRIDGE_LIMITS.readers) return null;
  const readers: BridgeReader[] = [];
  for (const item of value as unknown[]) {
    const reader = item as Partial<Record<keyof BridgeReader, unknown>> | null;
    if (!isText(reader?.name, BRIDGE_LIMITS.readerName) || typeof reader.cardPresent !== 'boolean') return null;
    readers.push({ name: reader.name, cardPresent: reader.cardPresent });
  }
  return readers;
}

const EVENTS = new Set(['readers-changed', 'card-inserted', 'card-removed']);

/** The bridge's frame as the browser reads it; null when it is not one the protocol knows. */
export function parseBridgeFrame(text: unknown): BridgeFrame | null {
  const frame = parseObject(text);
  if (!frame) return null;
  const { type, id } = frame;
  if (type === 'welcome') return frame.token === undefined ? { type } : isText(frame.token, BRIDGE_LIMITS.credential) ? { type, token: frame.token } : null;
  if (type === 'event') {
    if (typeof frame.event !== 'string' || !EVENTS.has(frame.event)) return null;
    const event = frame.event as Extract<BridgeFrame, { type: 'event' }>['event'];
    return isText(frame.reader, BRIDGE_LIMITS.readerName) ? { type, event, reader: frame.reader } : { type, event };
  }
  if (!isId(id)) return null;
  if (type === 'error') {
    const code = (BRIDGE_ERROR_CODES as readonly unknown[]).includes(frame.code) ? (frame.code as BridgeErrorCode) : 'transport-error';
    return { type, id, code, message: typeof frame.message === 'string' ? frame.message.slice(0, 500) : 'The bridge reported an error.' };
  }
  if (type !== 'result') return null;
  const result: Extract<BridgeFrame, { type: 'result' }> = { type, id };
  if (frame.readers !== undefined) {
    const readers = parseReaders(frame.readers);
    if (!readers) return null;
    result.readers = readers;
  }
  if (typeof frame.atr === 'string') result.atr = frame.atr;
  if (typeof frame.apdu === 'string') result.apdu = frame.apdu;
  return result;
}
