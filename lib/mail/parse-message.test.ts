import { describe, expect, it } from 'vitest';

import { buildMessage } from '../../scripts/stack/mail-factory.mjs';
import { MALFORMED_KINDS, type MalformedKind, READABLE_TEXT, malformedMessage } from '../../tests/fixtures/malformed-messages';
import { MAX_HEADER_BYTES, MAX_MULTIPARTS, parseMessage } from './parse-message';

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

  it('parses no further than the header when there are more multipart containers than the limit, with a notice', async () => {
    let body = 'Content-Type: text/plain\r\n\r\ninnermost';
    for (let i = 0; i <= MAX_MULTIPARTS; i++) body = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--`;
    const m = await parseMessage(enc(`Subject: deep\r\n${body}`));
    expect(m.subject).toBe('deep');
    expect(m.text ?? '').not.toContain('innermost');
    expect(m.notices.map((n) => n.code)).toContain('too-many-parts');
  });

  it('parses exactly MAX_MULTIPARTS containers in full', async () => {
    let body = 'Content-Type: text/plain\r\n\r\ninnermost';
    for (let i = 0; i < MAX_MULTIPARTS; i++) body = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--`;
    const m = await parseMessage(enc(`Subject: deep\r\n${body}`));
    expect(m.text).toContain('innermost');
    expect(m.notices).toEqual([]);
  });

  it('reads only MAX_HEADER_BYTES of a huge header block, keeping the fields on top and the body', async () => {
    const raw = enc(`Subject: kept\r\nX-Filler: ${'a'.repeat(MAX_HEADER_BYTES)}\r\nX-Late: dropped\r\n\r\nbody`);
    const m = await parseMessage(raw);
    expect(m.subject).toBe('kept');
    expect(m.text?.trim()).toBe('body');
    expect(m.notices.map((n) => n.code)).toEqual(['header-too-large']);
    const under = await parseMessage(enc(`Subject: fine\r\nX-Filler: ${'a'.repeat(MAX_HEADER_BYTES - 100)}\r\n\r\nbody`));
    expect(under.notices).toEqual([]);
  });

  it('never throws on malformed messages: each is read as far as it goes, with a notice', async () => {
    const expected: Record<MalformedKind, string> = {
      'broken-boundary': 'broken-structure',
      'unknown-charset': 'unknown-charset',
      'eight-bit-header': 'eight-bit-header',
      'huge-header': 'header-too-large',
      'deep-nesting': 'too-many-parts',
      'truncated-base64': 'incomplete-structure',
      'no-content-type': 'no-content-type',
    };
    for (const kind of MALFORMED_KINDS) {
      const m = await parseMessage(new Uint8Array(malformedMessage(kind, 't1')));
      expect(m.subject, kind).toContain(`Malformed ${kind} t1`);
      expect(m.notices.map((n) => n.code), kind).toContain(expected[kind]);
      if (READABLE_TEXT[kind]) expect(m.text, kind).toContain(READABLE_TEXT[kind]);
    }
  });

  it('reads 8-bit header bytes as UTF-8 and names unknown charsets', async () => {
    const m = await parseMessage(new Uint8Array(malformedMessage('eight-bit-header', 'x')));
    expect(m.subject).toContain('Grüße');
    const u = await parseMessage(new Uint8Array(malformedMessage('unknown-charset', 'x')));
    expect(u.notices.find((n) => n.code === 'unknown-charset')?.message).toContain('x-unknown-42');
  });

  it('gives a well-formed message no notices', async () => {
    const m = await parseMessage(new Uint8Array(buildMessage({ from: 'a@b.example', to: 'c@d.example', subject: 'ok', text: 'fine', attachments: [{ filename: 'a.txt', contentType: 'text/plain', content: 'x' }] })));
    expect(m.notices).toEqual([]);
  });
});
