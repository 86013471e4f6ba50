import 'server-only';

import crypto from 'node:crypto';

import { NextResponse } from 'next/server';
import type { z } from 'zod';

import type { ApiError, ApiErrorCode } from '@/lib/api/types';

import { AppError, ERROR_RESPONSES } from './errors';

// The one error policy of the route handlers: coded errors answer with their fixed status and
// message; anything else is logged with a request id and answered generically.

const NO_STORE = { 'Cache-Control': 'no-store' };

/** Answers a coded error with its fixed message; anything else is logged and answered generically. */
export function errorResponse(err: unknown): NextResponse<ApiError> {
  const code = err instanceof AppError ? err.code : 'internal';
  const { status, message } = ERROR_RESPONSES[code];
  if (code !== 'internal') return NextResponse.json({ error: { code, message } }, { status, headers: NO_STORE });
  const requestId = crypto.randomUUID();
  console.error(`[sealpost] request ${requestId} failed:`, err);
  return NextResponse.json({ error: { code, message, requestId } }, { status, headers: NO_STORE });
}

/** Runs a handler body, mapping its errors; every API answer is uncacheable. */
export async function handle<T>(fn: () => Promise<Response | T>): Promise<Response> {
  try {
    const result = await fn();
    const res = result instanceof Response ? result : NextResponse.json(result);
    res.headers.set('Cache-Control', 'no-store');
    return res;
  } catch (err) {
    return errorResponse(err);
  }
}

/** Validates input with zod; a mismatch is the client's mistake ('bad-request'), never echoed. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new AppError('bad-request', r.error.message);
  return r.data;
}

/**
 * The JSON body of a request. Only `Content-Type: application/json` is read: a cross-site page
 * cannot send that without a CORS preflight, which we never grant (login CSRF).
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new AppError('bad-request', `content-type ${type ?? 'missing'}`);
  return request.json().catch(() => {
    throw new AppError('bad-request', 'body is not JSON');
  });
}

/**
 * The JSON body, bounded while it streams in: past `maxBytes` (declared or read) it fails with
 * `tooLargeCode`. Only `Content-Type: application/json`, as in readJsonBody.
 */
export async function readBoundedJsonBody(request: Request, maxBytes: number, tooLargeCode: ApiErrorCode): Promise<unknown> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new AppError('bad-request', `content-type ${type ?? 'missing'}`);
  if (Number(request.headers.get('content-length')) > maxBytes) throw new AppError(tooLargeCode, 'content-length');
  if (!request.body) throw new AppError('bad-request', 'no body');
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    size += r.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new AppError(tooLargeCode, `body over ${maxBytes} bytes`);
    }
    chunks.push(r.value);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError('bad-request', 'body is not JSON');
  }
}

/**
 * True when the browser reached us over HTTPS: directly, or through a proxy that says so in
 * X-Forwarded-Proto (first value wins when proxies chain).
 */
export function isHttpsRequest(headers: Headers, url: string): boolean {
  const forwarded = headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  if (forwarded) return forwarded === 'https';
  return new URL(url).protocol === 'https:';
}

/**
 * The client's address for login throttling. Each proxy appends the address it received the
 * request from to X-Forwarded-For, so only the last `trustedProxies` entries are trustworthy: the
 * one they name is the client as the outermost trusted proxy saw it; anything further left may be
 * forged by the client. With no trusted proxy the header is ignored (Next.js fills it from the
 * socket only when the client did not send one) and all clients share one bucket per username.
 */
export function clientAddress(headers: Headers, trustedProxies: number): string {
  if (trustedProxies < 1) return 'direct';
  const hops = (headers.get('x-forwarded-for') ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  return hops[Math.max(0, hops.length - trustedProxies)] || headers.get('x-real-ip')?.trim() || 'direct';
}
