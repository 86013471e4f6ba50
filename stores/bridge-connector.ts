import { type BridgeConnection, type BridgeSocketFactory, DEFAULT_BRIDGE_URL, type OpenBridgeOptions, openBridge } from '@/lib/webusb-token/bridge/bridge-client';
import { TokenError, isTokenError } from '@/lib/webusb-token/errors';

import type { CardConnectInput, CardConnection, CardConnector } from './card-connectors';

// The local PC/SC bridge as a card connector: opens the bridge at the address the user set,
// presents the token of an earlier pairing (or the pairing code the user typed), picks the reader
// that holds a card and hands its card on as an ApduTransport. The token is the only thing kept:
// in this site's localStorage, per bridge address. It lets this browser talk to the bridge; the
// card still asks for its PIN.

/** What the connector keeps between visits; localStorage in the browser. */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface BridgeConnectorOptions {
  storage?: TokenStorage;
  /** Tests: Node's `ws` in place of the browser's WebSocket. */
  createSocket?: BridgeSocketFactory;
  /** Tests: how long opening and each request may take. */
  timeoutMs?: number;
}

export interface BridgeCardConnector extends CardConnector {
  readonly kind: 'bridge';
  connect(input?: CardConnectInput): Promise<CardConnection>;
  /** Whether this browser holds a token for the bridge at `url`. */
  isPaired(url?: string): boolean;
  /** Drops the token for `url`: the next connect needs a pairing code again. */
  forgetPairing(url?: string): void;
  /** The address of the last bridge this browser reached (DEFAULT_BRIDGE_URL before that). */
  lastUrl(): string;
}

const TOKEN_KEY_PREFIX = 'sealpost.cardBridge.token:';
const LAST_URL_KEY = 'sealpost.cardBridge.url';
const PAIRING_CODE = /^[0-9A-Z]{4}-?[0-9A-Z]{4}$/;

/** "abcd efgh", "ABCD-EFGH" → "ABCD-EFGH"; null when it cannot be a pairing code. */
export function normalizePairingCode(typed: string): string | null {
  const compact = typed.replace(/[\s-]/g, '').toUpperCase();
  if (!PAIRING_CODE.test(compact)) return null;
  return `${compact.slice(0, 4)}-${compact.slice(4)}`;
}

/** Only a wss:// address on this computer: the bridge listens nowhere else, and the page's CSP allows no other (BRIDGE_SOURCES). */
export function normalizeBridgeUrl(typed: string | undefined): string {
  const text = typed?.trim() || DEFAULT_BRIDGE_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TokenError('invalid-argument', `"${text}" is not a bridge address (it looks like ${DEFAULT_BRIDGE_URL}).`);
  }
  if (url.protocol !== 'wss:' || !['127.0.0.1', 'localhost'].includes(url.hostname) || url.pathname !== '/' || url.search || url.hash || url.username) {
    throw new TokenError('invalid-argument', `The bridge address must be wss:// on this computer, like ${DEFAULT_BRIDGE_URL}.`);
  }
  return url.origin;
}

export function bridgeConnector({ storage = browserStorage(), createSocket, timeoutMs }: BridgeConnectorOptions = {}): BridgeCardConnector {
  const keyFor = (url: string) => TOKEN_KEY_PREFIX + url;
  const tokenFor = (url: string) => storage.getItem(keyFor(url)) ?? null;

  const open = async (url: string, pairingCode: string | undefined): Promise<BridgeConnection> => {
    const base: Omit<OpenBridgeOptions, 'credential'> = { url, ...(createSocket ? { createSocket } : {}), ...(timeoutMs ? { timeoutMs } : {}) };
    const typed = pairingCode?.trim();
    if (typed) {
      const code = normalizePairingCode(typed);
      if (!code) throw new TokenError('invalid-argument', 'A pairing code has eight letters and digits, like ABCD-1234, as the bridge shows it.');
      return openBridge({ ...base, credential: { pairingCode: code } });
    }
    const token = tokenFor(url);
    if (!token) throw new TokenError('bridge-not-paired', 'This browser is not paired with the card bridge yet: type the pairing code the bridge shows.');
    try {
      return await openBridge({ ...base, credential: { token } });
    } catch (error) {
      // A token the bridge no longer knows (its config was reset) is useless: ask for a code.
      if (isTokenError(error) && error.code === 'bridge-not-paired') storage.removeItem(keyFor(url));
      throw error;
    }
  };

  return {
    kind: 'bridge',
    async connect(input = {}) {
      const url = normalizeBridgeUrl(input.url);
      const connection = await open(url, input.pairingCode);
      storage.setItem(keyFor(url), connection.token);
      storage.setItem(LAST_URL_KEY, url);
      try {
        const readers = await connection.listReaders();
        if (readers.length === 0) throw new TokenError('no-reader', 'The card bridge sees no smart-card reader.');
        const reader = readers.find((r) => r.cardPresent);
        if (!reader) throw new TokenError('no-card', `No card in ${readers.map((r) => r.name).join(', ')}.`);
        const card = await connection.connect(reader.name);
        const removedListeners = new Set<() => void>();
        const unsubscribe = connection.onEvent((event) => {
          if (event.event === 'card-removed' && event.reader === reader.name) removedListeners.forEach((listener) => listener());
        });
        return {
          kind: 'bridge',
          reader: reader.name,
          transport: {
            capabilities: card.capabilities,
            transmit: (command) => card.transmit(command),
            async close() {
              unsubscribe();
              await card.close();
              connection.close();
            },
          },
          onCardRemoved(listener) {
            removedListeners.add(listener);
            return () => removedListeners.delete(listener);
          },
        };
      } catch (error) {
        connection.close();
        throw error;
      }
    },
    isPaired: (url) => {
      try {
        return tokenFor(normalizeBridgeUrl(url)) !== null;
      } catch {
        return false;
      }
    },
    forgetPairing: (url) => storage.removeItem(keyFor(normalizeBridgeUrl(url))),
    lastUrl: () => storage.getItem(LAST_URL_KEY) ?? DEFAULT_BRIDGE_URL,
  };
}

function browserStorage(): TokenStorage {
  try {
    if (typeof localStorage !== 'undefined') return localStorage;
  } catch {
    // Storage disabled by the browser: the pairing then lasts for this page only.
  }
  const memory = new Map<string, string>();
  return { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v), removeItem: (k) => void memory.delete(k) };
}
