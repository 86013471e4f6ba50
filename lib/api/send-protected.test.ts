import { afterEach, describe, expect, it, vi } from 'vitest';

import { api } from './client';

// api.sendProtected writes the JSON body of POST /api/send with separate copies as a Blob: the
// base64 of each message as bytes. The body must parse as the route expects.

class FakeXhr {
  static last: FakeXhr | null = null;
  upload = { onprogress: null as ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
  status = 200;
  responseText = '{"sent":true,"savedToSent":true,"sentFolder":"Sent","separate":[]}';
  responseType = '';
  body: Blob | null = null;
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  open() {}
  setRequestHeader() {}
  send(body: Blob) {
    this.body = body;
    FakeXhr.last = this;
    queueMicrotask(() => this.onload?.());
  }
}

afterEach(() => vi.unstubAllGlobals());

describe('api.sendProtected', () => {
  it('posts the main message and each copy, base64, with their recipients', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const main = new Uint8Array([0, 1, 2, 250, 255]);
    const copy = new TextEncoder().encode('Subject: x\r\n\r\nHi\r\n');
    const result = await api.sendProtected({ raw: main, to: [] }, [{ raw: copy, to: ['dave@sealpost.test'] }, { raw: main, to: ['erin@sealpost.test'] }], () => {});
    expect(result.separate).toEqual([]);
    const body = JSON.parse(await FakeXhr.last!.body!.text()) as { raw: string; to: string[]; separate: { raw: string; to: string[] }[] };
    expect(body.to).toEqual([]);
    expect(Buffer.from(body.raw, 'base64')).toEqual(Buffer.from(main));
    expect(body.separate.map((c) => [Buffer.from(c.raw, 'base64').toString('latin1'), c.to])).toEqual([
      ['Subject: x\r\n\r\nHi\r\n', ['dave@sealpost.test']],
      [Buffer.from(main).toString('latin1'), ['erin@sealpost.test']],
    ]);
  });
});
