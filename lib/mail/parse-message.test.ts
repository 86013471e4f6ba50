import { describe, expect, it } from 'vitest';

import { buildMessage } from '../../scripts/stack/mail-factory.mjs';
import { MAX_MULTIPARTS, parseMessage } from './parse-message';

const enc = (s: string) => new TextEncoder().encode(s);

describe('parseMessage', () => {
  it('reads headers, both bodies and attachments of a real multipart message', async () => {
    const raw = buildMessage({
      from: { name: 'Bob Ødegård', address: 'bob@sealpost.test' },
      to: [{ name: 'Alice', address: 'alice@sealpost.test' }],
      subject: 'Grüße',
      date: new Date('2026-01-02T03:04:05Z'),
      text: 'plain body',
      html: '<p>html body <img src="cid:logo@x"></p>',
      attachments: [
        { filename: 'Größe.txt', contentType: 'text/plain', content: Buffer.from('hello') },
        { filename: 'logo.png', contentType: 'image/png', content: Buffer.from([1, 2, 3]), cid: 'logo@x' },
      ],
    });
    const m = await parseMessage(new Uint8Array(raw));
    expect(m.subject).toBe('Grüße');
    expect(m.from).toEqual({ name: 'Bob Ødegård', address: 'bob@sealpost.test' });
    expect(m.text?.trim()).toBe('plain body');
    expect(m.html).toContain('cid:logo@x');
    const file = m.attachments.find((a) => a.filename === 'Größe.txt');
    expect(file && new TextDecoder().decode(file.content)).toBe('hello');
    expect(m.attachments.find((a) => a.contentId === 'logo@x')?.inline).toBe(true);
  });

  it('shows broken MIME rather than failing: a missing closing boundary', async () => {
    const m = await parseMessage(enc('Subject: broken\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nstill here\r\n'));
    expect(m.subject).toBe('broken');
    expect(m.text).toContain('still here');
  });

  it('refuses more multipart containers than the limit (here: nesting) with a typed error', async () => {
    let body = 'innermost';
    for (let i = 0; i <= MAX_MULTIPARTS; i++) body = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--`;
    await expect(parseMessage(enc(`Subject: deep\r\n${body}`))).rejects.toMatchObject({ code: 'too-many-parts' });
  });

  it('refuses a huge header block with a typed error', async () => {
    const raw = enc(`Subject: x\r\nX-Filler: ${'a'.repeat(300 * 1024)}\r\n\r\nbody`);
    await expect(parseMessage(raw)).rejects.toMatchObject({ code: 'header-too-large' });
  });
});
