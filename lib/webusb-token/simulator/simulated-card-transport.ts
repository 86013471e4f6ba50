// A SimulatedCard as an ApduTransport, with no reader in between: the in-process path the tests
// use to run the PIV client against the PIV simulator. The card can be pulled out mid-session,
// as a user does, to see what the layers above make of 'card-removed'.
import { TokenError } from '../errors';
import type { ApduTransport, SimulatedCard } from '../transport';

export interface SimulatedCardTransport extends ApduTransport {
  /** Every later transmit rejects with 'card-removed'. */
  removeCard(): void;
}

export function simulatedCardTransport(card: SimulatedCard, capabilities = { extendedLength: true }): SimulatedCardTransport {
  let state: 'present' | 'removed' | 'closed' = 'present';
  card.reset();
  return {
    capabilities,
    async transmit(command) {
      if (state === 'removed') throw new TokenError('card-removed', 'The card was removed.');
      if (state === 'closed') throw new TokenError('transport-error', 'The connection to the card is closed.');
      return card.transmit(new Uint8Array(command));
    },
    async close() {
      state = 'closed';
    },
    removeCard() {
      state = 'removed';
    },
  };
}
