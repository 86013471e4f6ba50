import * as pkijs from 'pkijs';
import { createStore } from 'zustand/vanilla';

import { type CertificateSummary, type Identity, certificateEmails, isSmimeError, summarizeCertificate } from '@/lib/smime';
import { DEFAULT_BRIDGE_URL } from '@/lib/webusb-token/bridge/bridge-client';
import { type PinRequest, cardKeyOperations } from '@/lib/webusb-token/piv/card-key';
import { PivClient } from '@/lib/webusb-token/piv/piv-client';
import { TokenError, isTokenError } from '@/lib/webusb-token/errors';
import type { ApduTransport } from '@/lib/webusb-token/transport';

import type { BridgeCardConnector } from './bridge-connector';
import { type CardConnectInput, type CardConnector, type ConnectorKind, CardConnectError } from './card-connectors';

/** One certificate on the card, with what the settings table shows. */
export interface CardCertificateEntry {
  /** PIV key reference: 0x9A, 0x9C, 0x9D, 0x9E or a retired slot 0x82..0x95. */
  slot: number;
  certificate: pkijs.Certificate;
  summary: CertificateSummary;
  /** Addresses the certificate names (lower case). */
  addresses: string[];
}

/** What went wrong, coded for the UI (TokenError codes of lib/webusb-token, plus the browser's refusals). */
export interface CardProblem {
  code: string;
  message: string;
}

export interface CardState {
  status: 'disconnected' | 'connecting' | 'connected';
  connector: ConnectorKind | null;
  reader: string | null;
  certificates: CardCertificateEntry[];
  problem: CardProblem | null;
  /** The slot whose key signs mail from the addresses its certificate names; null: the soft keys decide. */
  signingSlot: number | null;
  /** Slots whose keys decrypt mail (every certificate on the card unless the user unticks it). */
  decryptionSlots: number[];
  /** Set while a card key waits for the PIN (the PIN dialog shows it). Never holds the PIN. */
  pinRequest: PinRequest | null;
  /** Whether this browser holds a pairing token for the bridge (at the address last used). */
  bridgePaired: boolean;
  /** The bridge address to offer: the last one reached, else the default. */
  bridgeUrl: string;

  /** `input`: the bridge's address and, the first time, its pairing code. */
  connect(kind: ConnectorKind, input?: CardConnectInput): Promise<void>;
  /** Drops the bridge token for `url`: the next bridge connection needs a pairing code. */
  forgetBridgePairing(url?: string): void;
  disconnect(): Promise<void>;
  chooseForSigning(slot: number, on: boolean): void;
  chooseForDecryption(slot: number, on: boolean): void;
  /** The PIN dialog's answer: the PIN, or null for Cancel. */
  answerPin(pin: string | null): void;

  /** The card's identities for reading (decryption), retired slots included; empty without a card. */
  identitiesForReading(): Identity[];
  /** The card identity chosen for signing, when its certificate names `address`. */
  signingIdentity(address: string): Identity | null;
  /** The card's certificate for encrypt-to-self: the decryption one naming `address` (9D first). */
  encryptionCertificate(address: string): pkijs.Certificate | null;
}

export type CardStore = ReturnType<typeof createCardStore>;

/** A card with more certificates than the PIV slots can hold is not a PIV card. */
const MAX_CERTIFICATES = 24;
const KEY_MANAGEMENT_SLOT = 0x9d;

/** "9C", "82": how PIV tools name a slot. */
export const slotName = (slot: number) => slot.toString(16).toUpperCase().padStart(2, '0');

/** Codes whose problem means the card is gone: the store forgets it. */
const GONE = new Set(['card-removed', 'no-card', 'no-reader']);

/**
 * The connected smart card: its certificates, the user's choices for it, the PIN prompt, and
 * identities for the security sources (stores/security-sources.ts merges them with the soft
 * keys). Nothing is persisted; the PIN passes from the dialog to the card and is not kept.
 */
export function createCardStore({ connectors }: { connectors: { webusb?: CardConnector; bridge?: BridgeCardConnector } }) {
  let transport: ApduTransport | null = null;
  let stopWatching: (() => void) | null = null;
  let client: PivClient | null = null;
  let answering: ((pin: string | null) => void) | null = null;

  return createStore<CardState>()((set, get) => {
    const forget = (problem: CardProblem | null) => {
      answering?.(null);
      answering = null;
      stopWatching?.();
      stopWatching = null;
      const closing = transport;
      transport = null;
      client = null;
      set({ status: 'disconnected', connector: null, reader: null, certificates: [], signingSlot: null, decryptionSlots: [], pinRequest: null, problem });
      return closing?.close().catch(() => undefined);
    };

    const askPin = (request: PinRequest): Promise<string | null> => {
      answering?.(null);
      set({ pinRequest: request });
      return new Promise((resolve) => {
        answering = resolve;
      });
    };

    /** Card key operations that note a blocked PIN or a removed card in the store. */
    const keyFor = (entry: CardCertificateEntry, piv: PivClient): Identity => {
      const key = cardKeyOperations(piv, entry.slot, entry.certificate, askPin);
      const noted =
        <A extends unknown[]>(operation: ((...args: A) => Promise<Uint8Array>) | undefined) =>
        operation &&
        (async (...args: A) => {
          try {
            return await operation(...args);
          } catch (error) {
            const problem = describeProblem(error);
            if (GONE.has(problem.code)) void forget(problem);
            else if (problem.code !== 'pin-required') set({ problem });
            throw error;
          }
        });
      return {
        certificate: entry.certificate,
        key: {
          kind: key.kind,
          ...(key.curve ? { curve: key.curve } : {}),
          ...(key.modulusBits ? { modulusBits: key.modulusBits } : {}),
          ...(key.sign ? { sign: noted(key.sign.bind(key)) } : {}),
          ...(key.decryptKeyTransport ? { decryptKeyTransport: noted(key.decryptKeyTransport.bind(key)) } : {}),
          ...(key.deriveSharedSecret ? { deriveSharedSecret: noted(key.deriveSharedSecret.bind(key)) } : {}),
        },
      };
    };

    const identityOf = (entry: CardCertificateEntry): Identity | null => {
      if (!client) return null;
      try {
        return keyFor(entry, client);
      } catch {
        // A certificate whose key the card stack cannot use (e.g. RSA-PSS SPKI) is shown, not offered.
        return null;
      }
    };

    return {
      status: 'disconnected',
      connector: null,
      reader: null,
      certificates: [],
      problem: null,
      signingSlot: null,
      decryptionSlots: [],
      pinRequest: null,
      bridgePaired: connectors.bridge?.isPaired(connectors.bridge.lastUrl()) ?? false,
      bridgeUrl: connectors.bridge?.lastUrl() ?? DEFAULT_BRIDGE_URL,

      async connect(kind, input) {
        const connector = connectors[kind];
        if (!connector) {
          set({ problem: { code: 'unavailable', message: 'This way of connecting is not available in this browser.' } });
          return;
        }
        await forget(null);
        set({ status: 'connecting', connector: kind });
        const notePairing = () =>
          kind === 'bridge' && connectors.bridge && set({ bridgePaired: connectors.bridge.isPaired(input?.url), bridgeUrl: connectors.bridge.lastUrl() });
        try {
          const connection = await connector.connect(input);
          notePairing();
          transport = connection.transport;
          stopWatching =
            connection.onCardRemoved?.(() => {
              if (transport === connection.transport) void forget(describeProblem(new TokenError('card-removed', 'The card was removed.')));
            }) ?? null;
          const piv = await PivClient.open(connection.transport);
          const certificates = await readEntries(piv);
          client = piv;
          set({
            status: 'connected',
            reader: connection.reader,
            certificates,
            decryptionSlots: certificates.map((c) => c.slot),
            problem: certificates.length ? null : { code: 'no-certificates', message: 'The card holds no certificates.' },
          });
        } catch (error) {
          notePairing();
          await forget(describeProblem(error));
        }
      },
      forgetBridgePairing(url) {
        connectors.bridge?.forgetPairing(url);
        set({ bridgePaired: connectors.bridge?.isPaired(url) ?? false });
      },
      disconnect: async () => {
        await forget(null);
      },
      chooseForSigning: (slot, on) => set({ signingSlot: on ? slot : get().signingSlot === slot ? null : get().signingSlot }),
      chooseForDecryption: (slot, on) =>
        set({ decryptionSlots: on ? [...new Set([...get().decryptionSlots, slot])] : get().decryptionSlots.filter((s) => s !== slot) }),
      answerPin(pin) {
        const resolve = answering;
        answering = null;
        set({ pinRequest: null });
        resolve?.(pin);
      },

      identitiesForReading() {
        const { certificates, decryptionSlots } = get();
        return certificates.filter((c) => decryptionSlots.includes(c.slot)).flatMap((c) => identityOf(c) ?? []);
      },
      signingIdentity(address) {
        const { certificates, signingSlot } = get();
        const entry = certificates.find((c) => c.slot === signingSlot);
        if (!entry || !entry.addresses.includes(address.toLowerCase())) return null;
        return identityOf(entry);
      },
      encryptionCertificate(address) {
        const { certificates, decryptionSlots } = get();
        const naming = certificates.filter((c) => decryptionSlots.includes(c.slot) && c.addresses.includes(address.toLowerCase()));
        return (naming.find((c) => c.slot === KEY_MANAGEMENT_SLOT) ?? naming[0])?.certificate ?? null;
      },
    };
  });
}

async function readEntries(piv: PivClient): Promise<CardCertificateEntry[]> {
  const found = (await piv.readCertificates()).slice(0, MAX_CERTIFICATES);
  const entries: CardCertificateEntry[] = [];
  for (const { slot, der } of found) {
    let certificate: pkijs.Certificate;
    try {
      certificate = pkijs.Certificate.fromBER(new Uint8Array(der));
    } catch {
      continue; // An unreadable object is skipped: the other slots stay usable.
    }
    const summary = await summarizeCertificate(certificate);
    entries.push({ slot, certificate, summary, addresses: certificateEmails(certificate).map((a) => a.toLowerCase()) });
  }
  return entries;
}

/** User-safe texts for what connecting or using the card can meet. */
export function describeProblem(error: unknown): CardProblem {
  // Card keys hand lib/smime their PIN and card failures as 'key-unavailable', the card's own error as cause.
  if (isSmimeError(error) && error.code === 'key-unavailable' && isTokenError(error.cause)) return describeProblem(error.cause);
  if (error instanceof CardConnectError) {
    if (error.code === 'transport-refused') {
      return {
        code: error.code,
        message:
          'The browser refused access to the reader. Smart-card readers are a protected USB class (0x0B) that Chrome and Edge do not let web pages claim. Use the local bridge instead.',
      };
    }
    return { code: error.code, message: error.message };
  }
  if (isTokenError(error)) {
    switch (error.code) {
      case 'bridge-unavailable':
        return { code: error.code, message: `${error.message} Is the bridge running on this computer, and does this browser trust its certificate?` };
      case 'no-reader':
        return { code: error.code, message: `No smart-card reader was found. Plug one in and try again. (${error.message})` };
      case 'no-card':
        return { code: error.code, message: 'The reader has no card. Insert your card and connect again.' };
      case 'card-removed':
        return { code: error.code, message: 'The card was removed. Insert it and connect again.' };
      case 'unsupported-card':
        return { code: error.code, message: 'This card is not supported: it has no PIV application.' };
      case 'wrong-pin':
        return { code: error.code, message: wrongPinText(error.retriesLeft) };
      case 'pin-blocked':
        return { code: error.code, message: 'The PIN is blocked. Unblock it with the PUK (your card issuer can help).' };
      default:
        return { code: error.code, message: error.message };
    }
  }
  return { code: 'failed', message: 'The card could not be read.' };
}

/** "Wrong PIN. 2 tries left." */
export function wrongPinText(retriesLeft: number | undefined): string {
  if (retriesLeft === undefined) return 'Wrong PIN.';
  if (retriesLeft === 0) return 'Wrong PIN. The PIN is now blocked.';
  return `Wrong PIN. ${retriesLeft} ${retriesLeft === 1 ? 'try' : 'tries'} left.`;
}
