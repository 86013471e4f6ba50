// Every network read of the certificate code goes through here: http(s) URLs only (taken from
// certificates in the path being checked), the size cap passed to the fetcher and enforced again
// on what it returns (the fetcher is a relay we do not trust), and one error code for failures.
import { isSmimeError, SmimeError } from '../errors';
import { LIMITS } from '../limits';
import type { PkiFetcher, PkiFetchRequest } from './pki-fetcher';

export async function fetchPki(fetcher: PkiFetcher, request: Omit<PkiFetchRequest, 'maxBytes'>): Promise<Uint8Array> {
  if (!/^https?:\/\//i.test(request.url)) {
    throw new SmimeError('fetch-failed', `Only http and https URLs are fetched, not ${request.url}.`);
  }
  let body: Uint8Array;
  try {
    body = await fetcher.fetch({ ...request, maxBytes: LIMITS.fetchedBytes });
  } catch (error) {
    if (isSmimeError(error) && (error.code === 'fetch-failed' || error.code === 'limit-exceeded')) throw error;
    throw new SmimeError('fetch-failed', `${request.url} could not be fetched.`, { cause: error });
  }
  if (!(body instanceof Uint8Array)) throw new SmimeError('fetch-failed', `${request.url} gave no bytes.`);
  if (body.length > LIMITS.fetchedBytes) {
    throw new SmimeError('limit-exceeded', `${request.url} answered with more than ${LIMITS.fetchedBytes} bytes.`);
  }
  return body;
}
