import 'server-only';

import crypto from 'node:crypto';

import { NextResponse } from 'next/server';
import type { z } from 'zod';

import type { ApiError } from '@/lib/api/types';

import { AppError, ERROR_RESPONSES } from './errors';

/** Answers a coded error with its fixed message; anything else is logged and answered generically. */
export function errorResponse(err: unknown): NextResponse<ApiError> {
  const appError = err instanceof AppError ? err : null;
  const code = appError?.code ?? 'internal';
  if (code === 'internal') {
    const requestId = crypto.randomUUID();
    console.error(`[${requestId}]`, err);
  }
  const { status, message } = ERROR_RESPONSES[code];
  return NextResponse.json({ error: { code, message } }, { status, headers: { 'Cache-Control': 'no-store' } });
}

/** Runs a handler body, mapping its errors; every API answer is uncacheable. */
export async function handle<T>(fn: () => Promise<NextResponse<T> | T>): Promise<NextResponse> {
  try {
    const result = await fn();
    const res = result instanceof NextResponse ? result : NextResponse.json(result);
    res.headers.set('Cache-Control', 'no-store');
    return res;
  } catch (err) {
    return errorResponse(err);
  }
}

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new AppError('bad-request', r.error.message);
  return r.data;
}
