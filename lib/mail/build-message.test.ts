import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';

import { buildMessage, formatAddress } from './build-message';

describe('buildMessage', () => {
  const raw = buildMessage({
    from: { name: 'Alice Liddell', address: 'alice@sealpost.test' },
    to: [{ name: 'Bob Ødegård', address: 'bob@sealpost.test' }, { name: '', address: 'carol@sealpost.test' }],
    cc: [{ name: 'Doe, "J"', address: 'jd@example.com' }],
    subject: 'Grüße — a subject with émojis 🎉 that is long enough to need more than one encoded word',
    text: 'Hallo Bob,\n.leading dot\ntrailing space \n' + 'x'.repeat(200),
    date: new Date('2026-11-23T10:00:00Z'),
    messageId: 'abc@sealpost.test',
  });
  const wire = new TextDecoder('latin1').decode(raw);

  it('writes 7-bit CRLF text with short lines and no line that starts with a dot', () => {
    expect([...raw].every((b) => b < 0x80)).toBe(true);
    expect(wire.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of wire.split('\r\n')) {
      expect(line.length).toBeLessThanOrEqual(78);
      expect(line.startsWith('.')).toBe(false);
    }
    expect(wire.endsWith('\r\n')).toBe(true);
    expect(wire).not.toMatch(/^Bcc:/im);
  });

  it('round-trips through a MIME parser', async () => {
    const m = await PostalMime.parse(raw);
    expect(m.subject).toBe('Grüße — a subject with émojis 🎉 that is long enough to need more than one encoded word');
    expect(m.to?.map((a) => [a.name, a.address])).toEqual([['Bob Ødegård', 'bob@sealpost.test'], ['', 'carol@sealpost.test']]);
    expect(m.cc?.[0]).toMatchObject({ name: 'Doe, "J"', address: 'jd@example.com' });
    expect(m.text).toBe('Hallo Bob,\n.leading dot\ntrailing space \n' + 'x'.repeat(200) + '\n');
    expect(m.messageId).toBe('<abc@sealpost.test>');
  });

  it('refuses something that is not an address', () => {
    expect(() => formatAddress({ name: '', address: 'bob@x>\r\nBcc: eve@x' })).toThrow(/not an e-mail address/);
  });
});

describe('buildMessage: plain text stays byte-exact', () => {
  it('writes the same bytes as the plain-text builder always has', () => {
    const raw = buildMessage({
      from: { name: '', address: 'judy@sealpost.test' },
      to: [{ name: '', address: 'mallory@sealpost.test' }],
      subject: 'Hi',
      text: 'Hello\n',
      date: new Date('2026-11-23T10:00:00Z'),
      messageId: 'id@sealpost.test',
    });
    expect(new TextDecoder().decode(raw)).toBe(
      [
        'From: judy@sealpost.test',
        'To: mallory@sealpost.test',
        'Subject: Hi',
        'Date: Mon, 23 Nov 2026 10:00:00 +0000',
        'Message-ID: <id@sealpost.test>',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Hello',
        '',
        '',
      ].join('\r\n'),
    );
  });
});

describe('buildMessage: rich text and attachments', () => {
  const forwarded = new TextEncoder().encode('From: bob@sealpost.test\r\nSubject: Grüße\r\n\r\nÖl\r\n.dot\r\n');
  const binary = new Uint8Array(5000).map((_, i) => (i * 7) % 256);
  const raw = buildMessage({
    from: { name: 'Judy', address: 'judy@sealpost.test' },
    to: [{ name: '', address: 'mallory@sealpost.test' }],
    bcc: [{ name: '', address: 'hidden@sealpost.test' }],
    subject: 'Rich',
    text: 'Hello bold',
    html: '<div>Hello <b>bold</b></div>',
    attachments: [
      { filename: 'data.bin', mimeType: 'application/octet-stream', content: binary },
      { filename: 'Größe — a rather long file name that needs RFC 2231 continuations.pdf', mimeType: 'application/pdf', content: new Uint8Array([1, 2, 3]) },
      { filename: 'Grüße.eml', mimeType: 'message/rfc822', content: forwarded },
      { filename: 'bad.eml', mimeType: 'message/rfc822', content: new TextEncoder().encode('Subject: lf only\n\nbody\n') },
      { filename: 'x', mimeType: 'text/html"; evil=1', content: new Uint8Array([65]) },
    ],
    inReplyTo: 'a@x',
    references: ['r@x', 'a@x'],
  });
  const wire = new TextDecoder('latin1').decode(raw);

  it('is multipart/mixed around multipart/alternative, with lines of at most 78 (base64 76)', () => {
    expect(wire).toMatch(/^Content-Type: multipart\/mixed;\r\n boundary="=_sealpost_[0-9a-f]{24}"/m);
    expect(wire).toMatch(/^Content-Type: multipart\/alternative;\r\n boundary="=_sealpost_[0-9a-f]{24}"/m);
    expect(wire).toMatch(/^Content-Transfer-Encoding: 8bit$/m);
    expect(wire).toMatch(/^Bcc: hidden@sealpost.test$/m);
    expect(wire.replace(/\r\n/g, '')).not.toMatch(/\n/);
    const b64 = wire.split('\r\n').filter((l) => /^[A-Za-z0-9+/]{60,}={0,2}$/.test(l));
    expect(b64.length).toBeGreaterThan(10);
    for (const l of b64) expect(l.length).toBeLessThanOrEqual(76);
    for (const l of wire.split('\r\n')) expect(l.length).toBeLessThanOrEqual(78);
    const boundaries = [...wire.matchAll(/boundary="([^"]+)"/g)].map((m) => m[1]!);
    expect(new Set(boundaries).size).toBe(2);
    for (const b of boundaries) expect(wire).toContain(`\r\n--${b}--\r\n`);
  });

  it('parses back: both bodies, the files byte for byte, the forwarded message exact', async () => {
    const m = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer', rfc822Attachments: true });
    expect(m.text?.trim()).toBe('Hello bold');
    expect(m.html?.trim()).toBe('<div>Hello <b>bold</b></div>');
    expect(m.inReplyTo).toBe('<a@x>');
    expect(m.references).toBe('<r@x> <a@x>');
    const files = m.attachments.map((a) => ({ name: a.filename, type: a.mimeType, bytes: new Uint8Array(a.content as ArrayBuffer) }));
    expect(files.map((f) => f.name)).toEqual([
      'data.bin',
      'Größe — a rather long file name that needs RFC 2231 continuations.pdf',
      'Grüße.eml',
      'bad.eml',
      'x',
    ]);
    expect(files[0]!.bytes).toEqual(binary);
    expect(files[1]!.type).toBe('application/pdf');
    expect(files[2]!.type).toBe('message/rfc822');
    // postal-mime hands 8bit parts over with LF line ends; the wire carries the exact bytes.
    expect(new TextDecoder().decode(files[2]!.bytes)).toBe('From: bob@sealpost.test\nSubject: Grüße\n\nÖl\n.dot\n\n');
    const boundary = /boundary="([^"]+)"/.exec(wire)![1]!;
    const part = wire.split(`\r\n--${boundary}\r\n`).find((p) => p.includes('message/rfc822\r\nContent-Transfer-Encoding: 8bit'))!;
    const body = part.slice(part.indexOf('\r\n\r\n') + 4);
    expect(body).toBe(new TextDecoder('latin1').decode(forwarded));
    expect(new TextDecoder().decode(files[3]!.bytes)).toBe('Subject: lf only\n\nbody\n');
    expect(files[4]!.type).toBe('application/octet-stream');
  });

  it('carries a valid forwarded message as 8bit, an invalid one as base64', () => {
    expect(wire).toMatch(/Content-Type: message\/rfc822\r\nContent-Transfer-Encoding: 8bit/);
    expect(wire).toMatch(/Content-Type: message\/rfc822;\r\n name="bad.eml"\r\nContent-Transfer-Encoding: base64/);
  });
});
