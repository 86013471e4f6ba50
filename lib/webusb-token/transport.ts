// The seam every card transport implements: the local PC/SC bridge, WebUSB-CCID, test
// transports. Above it sits one ISO 7816 / PIV stack, the same for all of them.

export interface ApduTransport {
  /** What the reader and card can carry: extended-length APDUs only where both allow them. */
  readonly capabilities: { extendedLength: boolean };
  /**
   * Sends one command APDU (header, Lc, data, Le as ISO 7816-4 encodes them) and resolves with
   * the response: data followed by SW1 SW2. No GET RESPONSE or chaining here: the session
   * (apdu/iso7816-session.ts) does those. Rejects with TokenError ('card-removed', 'no-card',
   * 'card-unresponsive', 'transport-error', ...).
   */
  transmit(command: Uint8Array): Promise<Uint8Array>;
  /** Ends the connection to the card (and its reader); further transmits reject. */
  close(): Promise<void>;
}

/**
 * A card as a simulator or a reader's slot sees it: an answer to reset and APDUs in, responses
 * out. The PIV simulator implements it; the CCID device simulator and the vpcd connector carry it.
 */
export interface SimulatedCard {
  /** The answer to reset (ISO 7816-3), TS first, TCK included when T=1 is offered. */
  atr(): Uint8Array;
  /** Cold or warm reset: volatile state (selected application, PIN verified) is lost. */
  reset(): void;
  /** One command APDU in, its response (data, SW1 SW2) out. Never throws for card-level errors: it answers a status word. */
  transmit(command: Uint8Array): Promise<Uint8Array>;
}
