import { afterEach, describe, expect, it, vi } from 'vitest';

import { api } from './client';
import { ApiRequestError } from './request-error';
import { type SendTransport, sendProtected } from './send-protected';

// sendProtected: the order of the requests of a protected send, what each carries, and what
// is reported when some fail. Then api.sendProtected's own requests, as the routes parse them.

const bytes = (s: string) => new TextEncoder().encode(s);
const MAIN = { raw: bytes('main'), to: ['bob@sealpost.test'] };
const DAVE = { raw: bytes('dave copy'), to: ['dave@sealpost.test'] };
const ERIN = { raw: bytes('erin copy!'), to: ['erin@sealpost.test'] };
const text = (raw: Uint8Array) => new TextDecoder().decode(raw);
const refused = (who: string) => new ApiRequestError('smtp-rejected', `The outgoing mail server refused the recipient ${who}.`, 422);

/** A transport that records each call and fails for the recipients in `failFor`. */
function recordingTransport(failFor: Record<string, Error> = {}, storeFails = false) {
  const calls: string[] = [];
  const transport: SendTransport = {
    async send(raw, to, saveToSent, onProgress) {
      calls.push(`send ${text(raw)} to ${to.join(',')}${saveToSent ? ' +Sent' : ''}`);
      onProgress(raw.length / 2, raw.length);
      const failure = failFor[to[0]!];
      if (failure) throw failure;
      onProgress(raw.length, raw.length);
      return { sent: true, savedToSent: saveToSent, sentFolder: saveToSent ? 'Sent' : null };
    },
    async storeSent(raw) {
      calls.push(`store ${text(raw)}`);
      if (storeFails) throw new ApiRequestError('imap-unavailable', 'down', 503);
      return { savedToSent: true, sentFolder: 'Sent' };
    },
  };
  return { transport, calls };
}

describe('sendProtected', () => {
  it('sends the main message with its copy to Sent first, then each copy on its own', async () => {
    const { transport, calls } = recordingTransport();
    const result = await sendProtected(transport, MAIN, [DAVE, ERIN], () => {});
    expect(calls).toEqual(['send main to bob@sealpost.test +Sent', 'send dave copy to dave@sealpost.test', 'send erin copy! to erin@sealpost.test']);
    expect(result).toEqual({
      sent: true,
      savedToSent: true,
      sentFolder: 'Sent',
      separate: [
        { to: ['dave@sealpost.test'], sent: true },
        { to: ['erin@sealpost.test'], sent: true },
      ],
    });
  });

  it('sends no copy when the main message is refused', async () => {
    const { transport, calls } = recordingTransport({ 'bob@sealpost.test': refused('bob@sealpost.test') });
    await expect(sendProtected(transport, MAIN, [DAVE], () => {})).rejects.toMatchObject({ code: 'smtp-rejected' });
    expect(calls).toHaveLength(1);
  });

  it('reports each refused copy with its reason and goes on with the others', async () => {
    const { transport, calls } = recordingTransport({ 'dave@sealpost.test': refused('dave@sealpost.test'), 'erin@sealpost.test': new TypeError('boom') });
    const result = await sendProtected(transport, MAIN, [DAVE, ERIN, { raw: bytes('f'), to: ['frank@sealpost.test'] }], () => {});
    expect(calls).toHaveLength(4);
    expect(result.savedToSent).toBe(true);
    expect(result.separate).toEqual([
      { to: ['dave@sealpost.test'], sent: false, error: { code: 'smtp-rejected', message: 'The outgoing mail server refused the recipient dave@sealpost.test.' } },
      { to: ['erin@sealpost.test'], sent: false, error: { code: 'internal', message: 'The copy could not be sent.' } },
      { to: ['frank@sealpost.test'], sent: true },
    ]);
  });

  it('stores a main message without recipients (all Bcc) after its copies, once one went out', async () => {
    const { transport, calls } = recordingTransport({ 'dave@sealpost.test': refused('dave@sealpost.test') });
    const result = await sendProtected(transport, { raw: MAIN.raw, to: [] }, [DAVE, ERIN], () => {});
    expect(calls).toEqual(['send dave copy to dave@sealpost.test', 'send erin copy! to erin@sealpost.test', 'store main']);
    expect(result.savedToSent).toBe(true);
    expect(result.separate.map((c) => c.sent)).toEqual([false, true]);
  });

  it('throws the first failure and stores nothing when no copy of an all-Bcc message went out', async () => {
    const first = refused('dave@sealpost.test');
    const { transport, calls } = recordingTransport({ 'dave@sealpost.test': first, 'erin@sealpost.test': refused('erin@sealpost.test') });
    await expect(sendProtected(transport, { raw: MAIN.raw, to: [] }, [DAVE, ERIN], () => {})).rejects.toBe(first);
    expect(calls.some((c) => c.startsWith('store'))).toBe(false);
  });

  it('reports an all-Bcc message whose copy in Sent could not be stored without throwing', async () => {
    const { transport } = recordingTransport({}, true);
    const result = await sendProtected(transport, { raw: MAIN.raw, to: [] }, [DAVE], () => {});
    expect(result).toMatchObject({ sent: true, savedToSent: false, sentFolder: null, separate: [{ sent: true }] });
  });

  it('counts progress over every message together, never backwards, ending at the total', async () => {
    const { transport } = recordingTransport({ 'dave@sealpost.test': refused('dave@sealpost.test') });
    const seen: [number, number][] = [];
    await sendProtected(transport, MAIN, [DAVE, ERIN], (sent, total) => seen.push([sent, total]));
    const total = MAIN.raw.length + DAVE.raw.length + ERIN.raw.length;
    expect(new Set(seen.map(([, t]) => t))).toEqual(new Set([total]));
    expect(seen.map(([s]) => s)).toEqual([...seen.map(([s]) => s)].sort((a, b) => a - b));
    expect(seen.at(-1)).toEqual([total, total]);
    // Halfway through the first copy: the main message plus half of it.
    expect(seen.map(([s]) => s)).toContain(MAIN.raw.length + DAVE.raw.length / 2);
  });
});

class FakeXhr {
  static sent: FakeXhr[] = [];
  upload = { onprogress: null as ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
  status = 200;
  responseText = '';
  responseType = '';
  url = '';
  body: Blob | null = null;
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  open(_method: string, url: string) {
    this.url = url;
  }
  setRequestHeader() {}
  send(body: Blob) {
    this.body = body;
    this.responseText = this.url === '/api/sent' ? '{"savedToSent":true,"sentFolder":"Sent"}' : '{"sent":true,"savedToSent":false,"sentFolder":null}';
    FakeXhr.sent.push(this);
    queueMicrotask(() => this.onload?.());
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
  FakeXhr.sent = [];
});

describe('api.sendProtected', () => {
  it('posts each copy to /api/send without storing it, then the main message to /api/sent, base64 in JSON', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const main = new Uint8Array([0, 1, 2, 250, 255]);
    const result = await api.sendProtected({ raw: main, to: [] }, [DAVE, ERIN], () => {});
    expect(result).toEqual({ sent: true, savedToSent: true, sentFolder: 'Sent', separate: [{ to: DAVE.to, sent: true }, { to: ERIN.to, sent: true }] });
    const bodies = await Promise.all(FakeXhr.sent.map(async (x) => [x.url, JSON.parse(await x.body!.text()) as { raw: string }] as const));
    expect(bodies.map(([url, b]) => [url, { ...b, raw: Buffer.from(b.raw, 'base64').toString('latin1') }])).toEqual([
      ['/api/send', { to: DAVE.to, saveToSent: false, raw: 'dave copy' }],
      ['/api/send', { to: ERIN.to, saveToSent: false, raw: 'erin copy!' }],
      ['/api/sent', { raw: Buffer.from(main).toString('latin1') }],
    ]);
  });
});
