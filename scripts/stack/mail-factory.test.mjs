import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';

import { buildMessage, encodeWords, formatDate, MAX_LINE_OCTETS, quotedPrintable } from './mail-factory.mjs';

const DATE = new Date('2026-03-04T05:06:07Z');

/** Asserts the wire rules every built message must keep, and returns its lines. */
function expectWellFormed(raw) {
  expect(Buffer.isBuffer(raw)).toBe(true);
  const s = raw.toString('latin1');
  expect(s.endsWith('\r\n')).toBe(true);
  expect(s.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // no bare CR or LF
  const lines = s.slice(0, -2).split('\r\n');
  for (const line of lines) expect(Buffer.byteLength(line, 'latin1')).toBeLessThanOrEqual(MAX_LINE_OCTETS);
  return lines;
}

const headerBlock = (raw) => raw.toString('latin1').split('\r\n\r\n')[0];

describe('buildMessage', () => {
  it('round-trips non-ASCII subject, names, text and html through postal-mime', async () => {
    const raw = buildMessage({
      from: { name: 'Bob Ødegård', address: 'bob@sealpost.test' },
      to: [{ name: '山田太郎', address: 'yamada@kaisha.example' }, { name: 'J. R. "Bob" Smith', address: 'jr@x.example' }, 'plain@x.example'],
      cc: { name: 'Αλέξης Παπαδόπουλος', address: 'alexis@grafeio.example' },
      subject: 'Grüße aus Zürich 🚀 — ein ziemlich langer Betreff, der mehrere kodierte Wörter braucht',
      date: DATE,
      text: 'Hallo,\n\nÄpfel kosten 3 € — trailing space \nand a very long line: ' + 'lorem ipsum '.repeat(40),
      html: '<p style="color:#333">Grüße <b>🚀</b></p>',
      messageId: 'round-trip@sealpost.test',
    });
    expectWellFormed(raw);
    expect(raw.every((b) => b < 0x80)).toBe(true);
    const m = await PostalMime.parse(raw);
    expect(m.subject).toBe('Grüße aus Zürich 🚀 — ein ziemlich langer Betreff, der mehrere kodierte Wörter braucht');
    expect(m.from).toEqual({ name: 'Bob Ødegård', address: 'bob@sealpost.test' });
    expect(m.to.map((a) => a.name)).toEqual(['山田太郎', 'J. R. "Bob" Smith', '']);
    expect(m.cc[0].name).toBe('Αλέξης Παπαδόπουλος');
    expect(m.text.replace(/\r\n/g, '\n').replace(/\n$/, '')).toBe('Hallo,\n\nÄpfel kosten 3 € — trailing space \nand a very long line: ' + 'lorem ipsum '.repeat(40));
    expect(m.html.trimEnd()).toBe('<p style="color:#333">Grüße <b>🚀</b></p>');
    expect(m.messageId).toBe('<round-trip@sealpost.test>');
    expect(new Date(m.date).getTime()).toBe(DATE.getTime());
    expect(headerBlock(raw)).toMatch(/^Content-Type: multipart\/alternative;/m);
  });

  it('keeps header lines with encoded words within 76 characters (RFC 2047 §2)', () => {
    const raw = buildMessage({ from: { name: 'Łukasz Żółć '.repeat(6).trim(), address: 'l@p.example' }, subject: 'Ελληνικά '.repeat(20), date: DATE, text: 'x' });
    for (const line of headerBlock(raw).split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    for (const word of headerBlock(raw).match(/=\?[^?]+\?B\?[^?]*\?=/g)) expect(word.length).toBeLessThanOrEqual(75);
  });

  it('carries attachments with exact bytes, sizes and (RFC 2231) non-ASCII file names', async () => {
    const pdf = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\nbinary \x00\x01\x02\xff', 'latin1');
    const csv = 'a,b\r\nÄ,ß\r\n';
    const longName = 'Größenübersicht für das Projekt Øresund — endgültige Fassung (überarbeitet).pdf';
    const raw = buildMessage({
      from: 'a@x.example', to: 'b@x.example', subject: 'Files', date: DATE, text: 'See attached.',
      attachments: [
        { filename: 'Contrat signé.pdf', contentType: 'application/pdf', content: pdf },
        { filename: 'report.csv', contentType: 'text/csv; charset=utf-8', content: csv },
        { filename: longName, contentType: 'application/pdf', content: pdf },
        { filename: '写真.png', contentType: 'image/png', content: Buffer.alloc(5000, 7), inline: true },
      ],
    });
    expectWellFormed(raw);
    expect(raw.toString()).toMatch(/filename\*0\*=UTF-8''/);
    const m = await PostalMime.parse(raw);
    expect(m.text.trim()).toBe('See attached.');
    expect(m.attachments.map((a) => a.filename)).toEqual(['Contrat signé.pdf', 'report.csv', longName, '写真.png']);
    expect(m.attachments.map((a) => a.mimeType)).toEqual(['application/pdf', 'text/csv', 'application/pdf', 'image/png']);
    expect(Buffer.from(m.attachments[0].content).equals(pdf)).toBe(true);
    expect(Buffer.from(m.attachments[1].content).toString('utf8')).toBe(csv);
    expect(m.attachments[3].content.byteLength).toBe(5000);
    expect(m.attachments.map((a) => a.disposition)).toEqual(['attachment', 'attachment', 'attachment', 'inline']);
    expect(headerBlock(raw)).toMatch(/^Content-Type: multipart\/mixed;/m);
  });

  it('puts cid: images beside the html in multipart/related, inside the alternative', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000', 'hex');
    const raw = buildMessage({
      from: 'a@x.example', to: 'b@x.example', subject: 'Photo', date: DATE, text: 'Photo', html: '<img src="cid:pic@x">',
      attachments: [{ filename: 'pic.png', contentType: 'image/png', content: png, cid: 'pic@x' }, { filename: 'notes.txt', contentType: 'text/plain', content: 'n' }],
    });
    const s = raw.toString();
    const order = ['multipart/mixed', 'multipart/alternative', 'text/plain', 'multipart/related; type="text/html"', 'text/html', 'image/png', 'text/plain; name="notes.txt"'];
    const positions = order.map((t) => s.indexOf(`Content-Type: ${t}`));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const m = await PostalMime.parse(raw);
    const pic = m.attachments.find((a) => a.filename === 'pic.png');
    expect(pic.contentId).toBe('<pic@x>');
    expect(Buffer.from(pic.content).equals(png)).toBe(true);
  });

  it('keeps a cid attachment when there is no html body', async () => {
    const raw = buildMessage({ from: 'a@x.example', subject: 's', date: DATE, text: 't', attachments: [{ filename: 'p.png', contentType: 'image/png', content: Buffer.from([1]), cid: 'p@x' }] });
    const m = await PostalMime.parse(raw);
    expect(m.attachments).toHaveLength(1);
  });

  it('attaches a message/rfc822 as is, without base64 (RFC 2046 §5.2.1)', async () => {
    const inner = buildMessage({ from: { name: 'Zoë Ünal', address: 'zoe@buero.example' }, to: 'team@x.example', subject: 'Original ✉️', date: DATE, text: 'Inner body', messageId: 'inner@x' });
    const raw = buildMessage({ from: 'a@x.example', to: 'b@x.example', subject: 'Fwd: Original', date: DATE, text: 'FYI', attachments: [{ filename: 'Original.eml', contentType: 'message/rfc822', content: inner }], messageId: 'outer@x' });
    expectWellFormed(raw);
    expect(raw.includes(inner.subarray(0, -2))).toBe(true);
    expect(raw.toString()).toMatch(/Content-Type: message\/rfc822;[^]*?Content-Transfer-Encoding: 7bit/);
    const m = await PostalMime.parse(raw, { forceRfc822Attachments: true });
    const fwd = m.attachments.find((a) => a.mimeType === 'message/rfc822');
    expect(fwd.filename).toBe('Original.eml');
    const parsedInner = await PostalMime.parse(fwd.content);
    expect(parsedInner.subject).toBe('Original ✉️');
    expect(parsedInner.from.name).toBe('Zoë Ünal');
  });

  it('writes threading headers', async () => {
    const refs = Array.from({ length: 12 }, (_, i) => `msg-${i}.some-long-thread-identifier@sealpost.test`);
    const raw = buildMessage({ from: 'a@x.example', subject: 'Re: x', date: DATE, text: 't', messageId: '<reply@x>', inReplyTo: refs.at(-1), references: refs });
    expectWellFormed(raw);
    const m = await PostalMime.parse(raw);
    expect(m.messageId).toBe('<reply@x>');
    expect(m.inReplyTo).toBe(`<${refs.at(-1)}>`);
    expect(m.references.split(/\s+/)).toEqual(refs.map((r) => `<${r}>`));
  });

  it('never lets the boundary occur in the content', async () => {
    const spec = { from: 'a@x.example', subject: 's', date: DATE, text: 'plain', messageId: 'b@x', attachments: [{ filename: 'a.txt', contentType: 'text/plain', content: 'a' }] };
    const first = buildMessage(spec).toString();
    const boundary = first.match(/boundary="([^"]+)"/)[1];
    const raw = buildMessage({ ...spec, text: `--${boundary}\nlooks like a boundary\n--${boundary}--` });
    const used = raw.toString().match(/boundary="([^"]+)"/)[1];
    expect(used).not.toBe(boundary);
    const m = await PostalMime.parse(raw);
    expect(m.text).toContain(`--${boundary}--`);
    expect(m.attachments).toHaveLength(1);
  });

  it('is deterministic for a given Message-ID', () => {
    const spec = { from: 'a@x.example', subject: 's', date: DATE, text: 't', html: '<p>t</p>', messageId: 'same@x' };
    expect(buildMessage(spec).equals(buildMessage(spec))).toBe(true);
  });

  it('folds long ASCII subjects and extra headers', async () => {
    const subject = 'A very long subject line '.repeat(12).trim();
    const raw = buildMessage({ from: 'a@x.example', subject, date: DATE, text: 't', extraHeaders: [['List-Unsubscribe', `<https://example.com/${'u'.repeat(50)}>, <mailto:unsub@example.com>`]] });
    const subjectLines = headerBlock(raw).match(/^Subject:.*(\r\n .*)*/m)[0].split('\r\n');
    expect(subjectLines.length).toBeGreaterThan(1);
    for (const line of subjectLines) expect(line.length).toBeLessThanOrEqual(76);
    expect(headerBlock(raw)).toMatch(/^List-Unsubscribe: <https:[^\r]*,\r\n <mailto:/m);
    const m = await PostalMime.parse(raw);
    expect(m.subject).toBe(subject);
    expect(m.headers.find((h) => h.key === 'list-unsubscribe').value).toMatch(/<mailto:unsub@example.com>$/);
  });

  it('refuses unknown options, bad addresses and unencoded non-ASCII extra headers', () => {
    const ok = { from: 'a@x.example', subject: 's', date: DATE, text: 't' };
    expect(() => buildMessage({ ...ok, bcc: ['b@x.example'] })).toThrow(/unknown option "bcc"/);
    expect(() => buildMessage({ ...ok, from: 'a@x.example\r\nBcc: evil@x' })).toThrow(/address/);
    expect(() => buildMessage({ ...ok, extraHeaders: [['X-Note', 'Grüße']] })).toThrow(/ASCII/);
    expect(() => buildMessage({ ...ok, extraHeaders: [['X-Note', 'a\r\nBcc: evil@x']] })).toThrow(/line breaks/);
    expect(() => buildMessage({ ...ok, attachments: [{ filename: 'a', contentType: 'text/plain', content: 'a', size: 1 }] })).toThrow(/unknown option "size"/);
  });

  it('sends short ASCII text as 7bit and everything else as quoted-printable', () => {
    expect(buildMessage({ from: 'a@x.example', subject: 's', date: DATE, text: 'short\nlines' }).toString()).toMatch(/Content-Transfer-Encoding: 7bit\r\n\r\nshort\r\nlines\r\n$/);
    expect(buildMessage({ from: 'a@x.example', subject: 's', date: DATE, text: 'Grüße' }).toString()).toMatch(/Content-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe\r\n$/);
  });
});

describe('quotedPrintable', () => {
  it('encodes "=", trailing white space and 8-bit bytes, and soft-breaks at 76 (RFC 2045 §6.7)', () => {
    expect(quotedPrintable('a=b \nc\t')).toBe('a=3Db=20\r\nc=09');
    const lines = quotedPrintable('é'.repeat(100)).split('\r\n');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(76);
    expect(lines.slice(0, -1).every((l) => l.endsWith('='))).toBe(true);
    // never splits an =XX triplet
    expect(lines.every((l) => /^(=[0-9A-F]{2})*=?$/.test(l))).toBe(true);
  });
});

describe('encodeWords', () => {
  it('never splits a UTF-8 character across words', () => {
    const words = encodeWords('🚀'.repeat(30));
    for (const w of words) expect(Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).toMatch(/^(🚀)+$/u);
  });
});

describe('formatDate', () => {
  it('writes an RFC 5322 date-time in UTC', () => {
    expect(formatDate(DATE)).toBe('Wed, 04 Mar 2026 05:06:07 +0000');
  });
});
