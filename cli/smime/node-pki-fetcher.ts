// The CLI's PkiFetcher: Node's fetch, http and https only, the caller's byte cap enforced while
// the body streams in (a Content-Length is not trusted), and one deadline for the whole exchange.
import type { PkiFetcher, PkiFetchRequest } from '../../lib/smime/certs/pki-fetcher';
import { SmimeError } from '../../lib/smime/errors';
import { readCapped as readStreamCapped } from '../../lib/bytes';

export interface NodePkiFetcherOptions {
  /** Deadline for connecting, the response and the whole body together. */
  timeoutMs?: number;
}

export const DEFAULT_FETCH_TIMEOUT_MS = 15_000;

export function createNodePkiFetcher({ timeoutMs = DEFAULT_FETCH_TIMEOUT_MS }: NodePkiFetcherOptions = {}): PkiFetcher {
  return { fetch: (request) => fetchBounded(request, timeoutMs) };
}

async function fetchBounded(request: PkiFetchRequest, timeoutMs: number): Promise<Uint8Array> {
  const url = parseHttpUrl(request.url);
  if (!Number.isSafeInteger(request.maxBytes) || request.maxBytes <= 0) {
    throw new SmimeError('invalid-argument', `maxBytes must be a positive integer, got ${request.maxBytes}`);
  }
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: request.method,
      // A copy typed over a plain ArrayBuffer, which is what BodyInit takes.
      ...(request.body ? { body: new Uint8Array(request.body) } : {}),
      headers: request.contentType ? { 'content-type': request.contentType } : {},
      // Redirects are followed by fetch itself, which only follows http(s) ones.
      redirect: 'follow',
      signal: deadline,
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new SmimeError('fetch-failed', `${url.href} answered HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > request.maxBytes) {
      await response.body?.cancel();
      throw tooLarge(url, request.maxBytes);
    }
    return await readCapped(response, url, request.maxBytes);
  } catch (error) {
    if (error instanceof SmimeError) throw error;
    const reason = deadline.aborted ? `no complete answer within ${timeoutMs} ms` : describe(error);
    throw new SmimeError('fetch-failed', `fetching ${url.href} failed: ${reason}`, { cause: error });
  }
}

function parseHttpUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new SmimeError('fetch-failed', `not a URL: ${JSON.stringify(text)}`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SmimeError('fetch-failed', `only http and https URLs are fetched, not ${url.protocol}`);
  }
  return url;
}

async function readCapped(response: Response, url: URL, maxBytes: number): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0);
  const body = await readStreamCapped(response.body, maxBytes);
  if (!body) throw tooLarge(url, maxBytes);
  return body;
}

const tooLarge = (url: URL, maxBytes: number) => new SmimeError('fetch-failed', `${url.href} sent more than ${maxBytes} bytes`);

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici puts the useful part (ECONNREFUSED, ENOTFOUND) in the cause.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
