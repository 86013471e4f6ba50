// A PkiFetcher in front of the server's relay that keeps CRLs and OCSP answers for as long as
// they say they are valid, so reading ten messages from one sender asks the CA once. It caches
// bytes, not verdicts: lib/smime verifies every answer each time it is used, so a wrong entry can
// only cost a revocation check, never make a certificate trusted.
//
// - CRL (GET): kept until its nextUpdate (RFC 5280 section 5.1.2.5); a CRL already past it is
//   not kept. Other GET answers (AIA certificates) pass through.
// - OCSP (POST application/ocsp-request): keyed by responder URL and the CertIDs asked about,
//   not the request bytes, which carry a fresh nonce each time. Only answers without a nonce
//   (pre-signed, RFC 5019 style) are kept: an answer echoing a nonce belongs to one request,
//   and lib/smime rightly refuses it for another. Kept until the earliest nextUpdate of its
//   SingleResponses; DEFAULT_TTL_MS when they have none.
// - Never longer than MAX_TTL_MS, whatever the answer says (the relay is untrusted and could
//   otherwise pin a bogus answer for years); failures and unreadable answers are never kept.
// - At most MAX_ENTRIES answers and MAX_CACHE_BYTES in all; the least recently used go first.
// - `fresh` (the "Check certificate now" button) asks the network and replaces the entry.
import * as pkijs from 'pkijs';

import { toHex } from '../bytes';
import type { PkiFetcher, PkiFetchRequest } from '../smime';
// lib/smime's bounded DER parser (depth, length and node caps): relayed bytes are hostile input,
// and its public API has no "read the validity of a CRL or OCSP answer" verb.
import { parseAs } from '../smime/asn1/parse-der';

export const DEFAULT_TTL_MS = 5 * 60_000;
export const MAX_TTL_MS = 12 * 60 * 60_000;
export const MAX_ENTRIES = 64;
export const MAX_CACHE_BYTES = 8 * 1024 * 1024;

const OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';
const OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';

export interface CachingPkiFetcherOptions {
  now?: () => Date;
  maxEntries?: number;
  maxBytes?: number;
  defaultTtlMs?: number;
  maxTtlMs?: number;
}

export interface CachingPkiFetcher extends PkiFetcher {
  /** The same cache, but every request goes to the network (and refreshes the entry). */
  readonly fresh: PkiFetcher;
  /** How many answers are held. */
  size(): number;
  clear(): void;
}

interface Entry {
  bytes: Uint8Array;
  expiresAt: number;
}

export function createCachingPkiFetcher(underlying: PkiFetcher, options: CachingPkiFetcherOptions = {}): CachingPkiFetcher {
  const {
    now = () => new Date(),
    maxEntries = MAX_ENTRIES,
    maxBytes = MAX_CACHE_BYTES,
    defaultTtlMs = DEFAULT_TTL_MS,
    maxTtlMs = MAX_TTL_MS,
  } = options;
  // A Map iterates in insertion order: re-inserting on every hit makes the first key the least recently used.
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Uint8Array>>();
  let heldBytes = 0;

  const drop = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    heldBytes -= entry.bytes.length;
    entries.delete(key);
  };

  const lookup = (key: string): Uint8Array | null => {
    const entry = entries.get(key);
    if (!entry) return null;
    drop(key);
    if (entry.expiresAt <= now().getTime()) return null;
    entries.set(key, entry);
    heldBytes += entry.bytes.length;
    return entry.bytes.slice();
  };

  const store = (key: string, bytes: Uint8Array, validUntil: number | null) => {
    drop(key);
    const at = now().getTime();
    const expiresAt = Math.min(validUntil ?? at + defaultTtlMs, at + maxTtlMs);
    if (expiresAt <= at || bytes.length > maxBytes) return;
    while (entries.size > 0 && (entries.size >= maxEntries || heldBytes + bytes.length > maxBytes)) {
      drop(entries.keys().next().value!);
    }
    entries.set(key, { bytes: bytes.slice(), expiresAt });
    heldBytes += bytes.length;
  };

  const fetchAndKeep = (key: string, request: PkiFetchRequest, kind: CacheableKind): Promise<Uint8Array> => {
    // Concurrent checks of one chain ask once; a failure is handed to every waiter and kept by none.
    const pending = inFlight.get(key);
    if (pending) return pending.then((bytes) => bytes.slice());
    const promise = underlying.fetch(request).then((bytes) => {
      const validity = kind === 'crl' ? crlValidity(bytes) : ocspValidity(bytes);
      if (validity.cacheable) store(key, bytes, validity.nextUpdate);
      return bytes;
    });
    inFlight.set(key, promise);
    const forget = () => inFlight.delete(key);
    promise.then(forget, forget);
    return promise.then((bytes) => bytes.slice());
  };

  const fetchVia = (useCache: boolean) => async (request: PkiFetchRequest): Promise<Uint8Array> => {
    const cacheable = cacheKey(request);
    if (!cacheable) return underlying.fetch(request);
    if (useCache) {
      const hit = lookup(cacheable.key);
      if (hit && hit.length <= request.maxBytes) return hit;
    } else {
      drop(cacheable.key);
      inFlight.delete(cacheable.key);
    }
    return fetchAndKeep(cacheable.key, request, cacheable.kind);
  };

  return {
    fetch: fetchVia(true),
    fresh: { fetch: fetchVia(false) },
    size: () => entries.size,
    clear: () => {
      entries.clear();
      heldBytes = 0;
    },
  };
}

type CacheableKind = 'crl' | 'ocsp';

/** Which requests may be answered from the cache, and under which key. */
function cacheKey(request: PkiFetchRequest): { key: string; kind: CacheableKind } | null {
  if (request.method === 'GET') return { key: `GET ${request.url}`, kind: 'crl' };
  if (request.method === 'POST' && request.contentType === 'application/ocsp-request' && request.body) {
    const certIds = ocspCertIds(request.body);
    return certIds ? { key: `OCSP ${request.url} ${certIds}`, kind: 'ocsp' } : null;
  }
  return null;
}

/** The DER of each CertID asked about, joined: the request minus its nonce. Null when unreadable. */
function ocspCertIds(body: Uint8Array): string | null {
  try {
    const request = parseAs(body, 'OCSP request', (schema) => new pkijs.OCSPRequest({ schema }));
    const ids = request.tbsRequest.requestList.map((r) => toHex(new Uint8Array(r.reqCert.toSchema().toBER(false))));
    return ids.length > 0 ? ids.join(',') : null;
  } catch {
    return null;
  }
}

interface Validity {
  cacheable: boolean;
  /** ms since the epoch; null: the answer does not say. */
  nextUpdate: number | null;
}

const NOT_CACHEABLE: Validity = { cacheable: false, nextUpdate: null };

function crlValidity(bytes: Uint8Array): Validity {
  try {
    const crl = parseAs(bytes, 'CRL', (schema) => new pkijs.CertificateRevocationList({ schema }));
    return { cacheable: true, nextUpdate: crl.nextUpdate ? crl.nextUpdate.value.getTime() : null };
  } catch {
    return NOT_CACHEABLE; // an AIA certificate, or garbage: not ours to keep
  }
}

function ocspValidity(bytes: Uint8Array): Validity {
  try {
    const response = parseAs(bytes, 'OCSP response', (schema) => new pkijs.OCSPResponse({ schema }));
    if (response.responseStatus.valueBlock.valueDec !== 0 || response.responseBytes?.responseType !== OCSP_BASIC) return NOT_CACHEABLE;
    const basic = parseAs(response.responseBytes.response.valueBlock.valueHexView, 'OCSP basic response', (schema) => new pkijs.BasicOCSPResponse({ schema }));
    const data = basic.tbsResponseData;
    if ((data.responseExtensions ?? []).some((e) => e.extnID === OCSP_NONCE)) return NOT_CACHEABLE;
    if (data.responses.length === 0) return NOT_CACHEABLE;
    const updates = data.responses.map((r) => r.nextUpdate?.getTime() ?? null);
    const nextUpdate = updates.every((u): u is number => u !== null) ? Math.min(...updates) : null;
    return { cacheable: true, nextUpdate };
  } catch {
    return NOT_CACHEABLE;
  }
}
