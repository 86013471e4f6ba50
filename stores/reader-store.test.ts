import { describe, expect, it } from 'vitest';

import type { MessagePart, MessageStructure } from '@/lib/api/types';

import { createReaderStore } from './reader-store';

const enc = (s: string) => new TextEncoder().encode(s);
const leaf = (part: string, type: string, extra: Partial<MessagePart> = {}): MessagePart => ({
  part, type, parameters: {}, encoding: '7bit', size: 10, id: null, disposition: null, dispositionParameters: {}, ...extra,
});

function fakeServer(rootType = 'multipart/mixed', size = 30 * 1024 * 1024) {
  const calls: string[] = [];
  const structure: MessageStructure = {
    uid: 5,
    size,
    truncated: false,
    root: { ...leaf('', rootType), children: [leaf('1', 'text/plain'), leaf('2', 'application/pdf', { disposition: 'attachment', dispositionParameters: { filename: 'big.pdf' }, encoding: 'base64', size: 28 * 1024 * 1024 })] },
  };
  const store = createReaderStore({
    fetchSource: async () => (calls.push('source'), enc('Subject: whole\r\n\r\nwhole body')),
    fetchStructure: async () => (calls.push('structure'), structure),
    fetchPart: async (_f, _u, part) => {
      calls.push(`part ${part}`);
      return enc(part === 'HEADER' ? 'Subject: partial\r\n\r\n' : part === '1' ? 'the text' : 'JVBERi0=');
    },
  });
  return { store, calls };
}

describe('reader store', () => {
  it('fetches a small message whole, without asking for its structure', async () => {
    const { store, calls } = fakeServer();
    const m = await store.getState().open('INBOX', 5, { size: 2000 });
    expect(m?.subject).toBe('whole');
    expect(calls).toEqual(['source']);
  });

  it('reads a large message part by part and fetches an attachment only when asked, once', async () => {
    const { store, calls } = fakeServer();
    const m = await store.getState().open('INBOX', 5);
    expect(m?.subject).toBe('partial');
    expect(m?.text).toContain('the text');
    expect(calls.sort()).toEqual(['part 1', 'part HEADER', 'structure']);
    const pdf = m!.attachments.find((a) => a.filename === 'big.pdf')!;
    expect(pdf.content).toBeNull();
    const bytes = await store.getState().loadAttachment(pdf);
    expect(new TextDecoder().decode(bytes)).toBe('%PDF-');
    await store.getState().loadAttachment(pdf);
    expect(calls.filter((c) => c === 'part 2')).toHaveLength(1);
  });

  it('fetches S/MIME and small messages whole even after asking for the structure', async () => {
    for (const [type, size] of [['multipart/signed', 30 * 1024 * 1024], ['multipart/mixed', 500]] as const) {
      const { store, calls } = fakeServer(type, size);
      expect((await store.getState().open('INBOX', 5))?.subject).toBe('whole');
      expect(calls).toEqual(['structure', 'source']);
    }
  });

  it('full window needs an open message and ends when it closes', async () => {
    const { store } = fakeServer();
    store.getState().setFullWindow(true);
    expect(store.getState().fullWindow).toBe(false);
    await store.getState().open('INBOX', 5, { size: 10 });
    store.getState().setFullWindow(true);
    expect(store.getState().fullWindow).toBe(true);
    store.getState().close();
    expect(store.getState().fullWindow).toBe(false);
  });
});
