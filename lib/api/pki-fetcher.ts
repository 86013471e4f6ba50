// lib/smime's network access in the browser: every CRL, OCSP and AIA request goes through the
// server's relay (the browser cannot reach those servers itself: CORS). The relay is untrusted;
// lib/smime verifies everything it returns.
import { bytesToBase64 } from '../bytes';
import { SmimeError } from '../smime/errors';
import type { PkiFetcher } from '../smime/certs/pki-fetcher';

import { api, errorMessage } from './client';

export function serverPkiFetcher(pkiFetch: typeof api.pkiFetch = api.pkiFetch): PkiFetcher {
  return {
    async fetch({ url, method, body, contentType, maxBytes }) {
      let bytes: Uint8Array;
      try {
        bytes = await pkiFetch(
          { url, method, ...(body ? { body: bytesToBase64(body) } : {}), ...(contentType ? { contentType } : {}) },
          maxBytes,
        );
      } catch (err) {
        throw new SmimeError('fetch-failed', `${url} could not be fetched: ${errorMessage(err, 'unexpected failure')}`, { cause: err });
      }
      // The cap holds whatever the relay or a test double returned.
      if (bytes.length > maxBytes) throw new SmimeError('fetch-failed', `${url} answered with more than ${maxBytes} bytes.`);
      return bytes;
    },
  };
}
