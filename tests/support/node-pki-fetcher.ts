// A PkiFetcher for Node (tests, and a model for the CLI's): http and https only, a timeout over
// the whole exchange, at most a few redirects (each checked again), a 2xx status, and a body
// read in a stream that stops at the caller's maxBytes.
import { SmimeError } from '@/lib/smime/errors';
import type { PkiFetcher, PkiFetchRequest } from '@/lib/smime/certs/pki-fetcher';

export interface NodePkiFetcherOptions {
  /** Milliseconds for the whole request, redirects and body included. */
  timeoutMs?: number;
  maxRedirects?: number;
}

export function nodePkiFetcher(options: NodePkiFetcherOptions = {}): PkiFetcher {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRedirects = options.maxRedirects ?? 3;
  return {
    async fetch(request: PkiFetchRequest): Promise<Uint8Array> {
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        let url = checkedUrl(request.url);
        for (let redirects = 0; ; redirects++) {
          const response = await fetch(url, {
            method: request.method,
            body: request.method === 'POST' && request.body ? new Uint8Array(request.body) : undefined,
            headers: request.contentType ? { 'content-type': request.contentType } : undefined,
            redirect: 'manual',
            signal,
          });
          const location = response.headers.get('location');
          if (response.status >= 300 && response.status < 400 && location) {
            await response.body?.cancel();
            if (redirects >= maxRedirects) throw new SmimeError('fetch-failed', `${request.url} redirects too often.`);
            url = checkedUrl(new URL(location, url).href);
            continue;
          }
          if (!response.ok) {
            await response.body?.cancel();
            throw new SmimeError('fetch-failed', `${request.url} answered HTTP ${response.status}.`);
          }
          return await readCapped(response, request.maxBytes, request.url);
        }
      } catch (error) {
        if (error instanceof SmimeError) throw error;
        const why = signal.aborted ? `timed out after ${timeoutMs} ms` : (error as Error).message;
        throw new SmimeError('fetch-failed', `${request.url} could not be fetched (${why}).`, { cause: error });
      }
    },
  };
}

function checkedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SmimeError('fetch-failed', `${url} is not a URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new SmimeError('fetch-failed', `${url} is not an http or https URL.`);
  return parsed.href;
}

async function readCapped(response: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  const tooLarge = () => new SmimeError('fetch-failed', `${url} is larger than ${maxBytes} bytes.`);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}
