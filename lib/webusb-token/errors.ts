// The card stack's coded errors: one string union, so the UI and tests match codes, never message
// texts. Messages are plain sentences a UI may show.

export type TokenErrorCode =
  /** The local PC/SC bridge is not running (nothing answers on its address). */
  | 'bridge-unavailable'
  /** The bridge runs but this browser is not paired with it (or the pairing code was wrong). */
  | 'bridge-not-paired'
  /** No smart-card reader is connected (or the transport cannot reach one). */
  | 'no-reader'
  /** A reader without a card. */
  | 'no-card'
  /** The card was removed, or the reader unplugged, while an operation ran. */
  | 'card-removed'
  /** The card does not answer (mute), or answered outside the protocol. */
  | 'card-unresponsive'
  /** A transport or protocol failure (USB transfer, CCID, T=1) that is not one of the above. */
  | 'transport-error'
  /** Wrong PIN; `retriesLeft` on the error says how many tries remain. */
  | 'wrong-pin'
  /** The PIN is blocked (no tries left): it must be unblocked with the PUK. */
  | 'pin-blocked'
  /** The operation needs the PIN first (or again, for a PIN-always key). */
  | 'pin-required'
  /** Not a PIV card, or a PIV card without what is asked for (empty slot, missing object). */
  | 'unsupported-card'
  /** A key algorithm or operation the card or this stack does not do. */
  | 'unsupported-algorithm'
  /** The card refused the command (any other status word), with the status word in the message. */
  | 'card-error'
  /** Hostile or absurd data from the card or reader hit a cap (length, chaining, decompressed size). */
  | 'limit-exceeded'
  /** A caller passed arguments that do not fit together. */
  | 'invalid-argument';

export class TokenError extends Error {
  constructor(
    readonly code: TokenErrorCode,
    message: string,
    /** For 'wrong-pin': tries left after this failure. */
    readonly retriesLeft?: number,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

export const isTokenError = (value: unknown): value is TokenError => value instanceof TokenError;
