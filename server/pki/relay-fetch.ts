import 'server-only';

import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

import { config, type PkiFetchConfig } from '../config';
import { AppError } from '../errors';
import { bareHost, isAllowedHost, mayConnectTo } from './address-policy';

// The browser's only way to CRLs, OCSP responders and AIA caIssuers (it cannot reach them itself:
// CORS). An untrusted pipe: the bytes are returned uninterpreted and the browser verifies every
// signature. What it guards is the server's own network: each hop's host is resolved once, every
// resolved address must pass address-policy.ts, and the connection goes to that checked address,
// so a DNS answer that changes between check and connect (rebinding) is never used.

export interface PkiRelayRequest {
  url: string;
  method: 'GET' | 'POST';
  body?: Uint8Array;
  contentType?: string;
}

/** An OCSP request is a few hundred bytes; nothing the relay carries needs more. */
export const MAX_RELAY_REQUEST_BYTES = 64 * 1024;
/** Redirects followed, each checked like the first URL. */
export const MAX_RELAY_REDIRECTS = 3;

export type LookupAll = (host: string) => Promise<{ address: string }[]>;

export interface RelayOptions extends PkiFetchConfig {
  /** DNS resolution; tests swap it. */
  lookup?: LookupAll;
}

const systemLookup: LookupAll = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function relayPkiFetch(request: PkiRelayRequest, options: RelayOptions = config().pkiFetch): Promise<Uint8Array> {
  if (request.method !== 'GET' && request.method !== 'POST') throw new AppError('bad-request', `method ${String(request.method)}`);
  if ((request.body?.length ?? 0) > MAX_RELAY_REQUEST_BYTES) throw new AppError('bad-request', 'request body too large');
  if (request.body && request.method !== 'POST') throw new AppError('bad-request', 'a body needs POST');

  const deadline = AbortSignal.timeout(options.timeoutMs);
  try {
    return await follow(request, options, deadline);
  } catch (err) {
    if (deadline.aborted) throw new AppError('pki-fetch-timeout', `${request.url}: no answer within ${options.timeoutMs} ms`);
    if (err instanceof AppError) throw err;
    throw new AppError('pki-fetch-failed', `${request.url}: ${(err as Error).message}`);
  }
}

async function follow(request: PkiRelayRequest, options: RelayOptions, signal: AbortSignal): Promise<Uint8Array> {
  let url = checkedUrl(request.url);
  let { method, body } = request;
  for (let redirects = 0; ; redirects++) {
    const address = await abortable(pinnedAddress(url, options), signal);
    const response = await send(url, address, { method, body, contentType: request.contentType }, signal);
    const status = response.statusCode ?? 0;
    if (REDIRECTS.has(status)) {
      response.resume(); // the redirect's own body is not wanted
      const location = response.headers.location;
      if (!location || redirects >= MAX_RELAY_REDIRECTS) throw new AppError('pki-fetch-failed', `${url.href}: redirect ${status} not followed`);
      url = checkedUrl(location, url);
      // As browsers do: 303, and 301/302 after a POST, continue as a GET without the body.
      if (status === 303 || (method === 'POST' && status !== 307 && status !== 308)) [method, body] = ['GET', undefined];
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw new AppError('pki-fetch-failed', `${url.href} answered HTTP ${status}`);
    }
    return readCapped(response, url, options.maxBytes);
  }
}

/** http: and https: only (no ldap:, file:, ftp:), no credentials in the URL. */
function checkedUrl(text: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new AppError('pki-fetch-refused', `not a URL: ${JSON.stringify(text.slice(0, 100))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AppError('pki-fetch-refused', `scheme ${url.protocol}`);
  if (url.username || url.password) throw new AppError('pki-fetch-refused', 'credentials in the URL');
  return url;
}

/**
 * The address to connect to: every address the host resolves to must be allowed (an attacker's
 * name may list a public and a private address), then the first one is used.
 */
export async function pinnedAddress(url: URL, options: RelayOptions): Promise<string> {
  const host = bareHost(url.hostname);
  const hostAllowed = isAllowedHost(host, options.allow);
  let addresses: string[];
  if (net.isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = (await (options.lookup ?? systemLookup)(host)).map((a) => a.address);
    } catch (err) {
      throw new AppError('pki-fetch-failed', `${host} does not resolve: ${(err as Error).message}`);
    }
  }
  const first = addresses[0];
  if (first === undefined) throw new AppError('pki-fetch-failed', `${host} has no address`);
  const refused = addresses.find((a) => !hostAllowed && !mayConnectTo(a, options.allow));
  if (refused !== undefined) throw new AppError('pki-fetch-refused', `${host} resolves to ${refused}`);
  return first;
}

function send(
  url: URL,
  address: string,
  request: { method: 'GET' | 'POST'; body: Uint8Array | undefined; contentType: string | undefined },
  signal: AbortSignal,
): Promise<http.IncomingMessage> {
  const headers: Record<string, string> = { host: url.host, accept: '*/*', 'user-agent': 'Sealpost PKI relay' };
  if (request.method === 'POST') {
    headers['content-type'] = request.contentType ?? 'application/octet-stream';
    headers['content-length'] = String(request.body?.length ?? 0);
  }
  const name = bareHost(url.hostname);
  const options: https.RequestOptions = {
    host: address, // the checked address, not the name: no second DNS answer is ever used
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    method: request.method,
    headers,
    agent: false,
    signal,
    // TLS still checks the certificate against the name in the URL.
    ...(url.protocol === 'https:' && !net.isIP(name) ? { servername: name } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(options, resolve);
    req.on('error', reject);
    req.end(request.method === 'POST' ? request.body ?? new Uint8Array(0) : undefined);
  });
}

/** The body, reading no further than `maxBytes` (a Content-Length is not trusted). */
function readCapped(response: http.IncomingMessage, url: URL, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new AppError('pki-fetch-too-large', `${url.href} sent more than ${maxBytes} bytes`);
  if (Number(response.headers['content-length'] ?? 0) > maxBytes) {
    response.destroy();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    response.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        response.destroy();
        reject(tooLarge());
      } else {
        chunks.push(chunk);
      }
    });
    response.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks, total))));
    response.on('error', reject);
    response.on('close', () => {
      if (!response.complete) reject(new Error('connection closed mid-answer'));
    });
  });
}

/** DNS lookups cannot be cancelled; the deadline still ends the wait for one. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
