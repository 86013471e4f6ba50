// A PIV key slot as lib/smime's KeyOperations, through the same code as soft keys
// (lib/smime/keys/web-crypto-key.ts): CardCrypto's subtle with the slot's CardCryptoKey in place
// of the platform's subtle with an imported PKCS#8 key. The card work (PIN, padding in the
// browser, checking each signature against the certificate) is lib/webusb-token/webcrypto's. A
// card that cannot be used now (removed, PIN cancelled, wrong or blocked) is SmimeError
// 'key-unavailable' with the TokenError as its cause; other TokenErrors reach the caller as they are.
import type * as pkijs from 'pkijs';

import { SmimeError } from '../../smime/errors';
import type { KeyOperations } from '../../smime/keys/key-operations';
import { webCryptoKeyOperations } from '../../smime/keys/web-crypto-key';
import { type TokenErrorCode, isTokenError } from '../errors';
import { CardCrypto } from '../webcrypto/card-crypto';
import { type CardSlot, RSAES_PKCS1_V1_5, readCardPublicKey } from '../webcrypto/card-crypto-key';
import type { PinPrompt } from '../webcrypto/card-pin';
import type { RsaesPkcs1v15Params } from '../webcrypto/card-providers';
import type { PivClient } from './piv-client';

// Where the webmail (stores/card-store.ts, the PIN dialog) has always found them.
export type { PinPrompt, PinRequest } from '../webcrypto/card-pin';

/**
 * Errors that say the key cannot be used now (PIN, card, reader, bridge), not that the input was
 * bad: lib/smime lets 'key-unavailable' through where every other failure is one generic error.
 */
const UNAVAILABLE = new Set<TokenErrorCode>(['pin-required', 'wrong-pin', 'pin-blocked', 'card-removed', 'no-card', 'no-reader', 'card-unresponsive', 'transport-error', 'bridge-unavailable', 'bridge-not-paired']);

/** KeyOperations over the private key in `slot`, whose public key `certificate` carries. */
export function cardKeyOperations(client: PivClient, slot: number, certificate: pkijs.Certificate, askPin: PinPrompt): KeyOperations {
  const publicKey = readCardPublicKey(certificate);
  const { subtle } = new CardCrypto();
  const card: CardSlot = { client, slot, certificate, askPin };
  const description = publicKey.kind === 'rsa' ? { kind: 'rsa' as const, modulusBits: publicKey.n.toString(2).length } : { kind: 'ec' as const, curve: publicKey.curve };
  return webCryptoKeyOperations(description, {
    subtle,
    keyFor: async (algorithm, usage) => subtle.cardKey(card, algorithm, [usage]),
    decryptPkcs1v15: async (encryptedKey, keyLength) => {
      const params: RsaesPkcs1v15Params = { name: RSAES_PKCS1_V1_5, keyLength };
      return new Uint8Array(await subtle.decrypt(params, subtle.cardKey(card, RSAES_PKCS1_V1_5, ['decrypt']), new Uint8Array(encryptedKey)));
    },
    ownError: (error) => {
      if (!isTokenError(error)) return undefined;
      return UNAVAILABLE.has(error.code) ? new SmimeError('key-unavailable', error.message, { cause: error }) : error;
    },
  });
}
