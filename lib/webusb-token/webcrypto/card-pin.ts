// The PIN around a card operation: VERIFY right before it for a PIN-always key (9C), else only
// when the card answers "security status not satisfied". PINs pass through, never kept; the
// tries left reach the prompt so the UI can warn before the last one.
import { TokenError, isTokenError } from '../errors';
import type { PivClient } from '../piv/piv-client';

export interface PinRequest {
  slot: number;
  /** Why now: the key wants the PIN before every use (9C), the card asked for it, or the last one was wrong. */
  reason: 'pin-always' | 'pin-required' | 'wrong-pin';
  /** Tries left on the card, when it says: the UI warns before the last one. */
  retriesLeft?: number;
}

/** Asks the user for the PIN; null when the user cancels. */
export type PinPrompt = (request: PinRequest) => Promise<string | null>;

/** Wrong PINs accepted in one operation before wrong-pin goes to the caller. */
const PIN_PROMPTS_PER_OPERATION = 3;

/** Runs `operation` on the card in `slot`, verifying the PIN first when the key or the card wants it. */
export async function withCardPin<T>(client: PivClient, slot: number, askPin: PinPrompt, operation: () => Promise<T>): Promise<T> {
  if (client.requiresPinEachUse(slot)) {
    await authorize(client, slot, askPin, 'pin-always');
    return operation();
  }
  try {
    return await operation();
  } catch (error) {
    if (!isTokenError(error) || error.code !== 'pin-required') throw error;
  }
  await authorize(client, slot, askPin, 'pin-required');
  return operation();
}

/** The user's PIN, verified, with the tries left shown before each prompt. */
async function authorize(client: PivClient, slot: number, askPin: PinPrompt, reason: PinRequest['reason']): Promise<void> {
  const status = await client.pinStatus();
  if (!status.verified && status.blocked) throw new TokenError('pin-blocked', 'The PIN is blocked: unblock it with the PUK.');
  let request: PinRequest = { slot, reason, ...(status.verified || status.retriesLeft === undefined ? {} : { retriesLeft: status.retriesLeft }) };
  for (let attempt = 1; ; attempt++) {
    const pin = await askPin(request);
    if (pin === null) throw new TokenError('pin-required', 'The PIN was not entered.');
    try {
      await client.verifyPin(pin);
      return;
    } catch (error) {
      if (!isTokenError(error) || error.code !== 'wrong-pin' || attempt === PIN_PROMPTS_PER_OPERATION) throw error;
      request = { slot, reason: 'wrong-pin', ...(error.retriesLeft === undefined ? {} : { retriesLeft: error.retriesLeft }) };
    }
  }
}
