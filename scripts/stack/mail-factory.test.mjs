import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';

import { buildMessage, encodedWords, quotedPrintable } from './mail-factory.mjs';
import { samplePdf, samplePng } from './sample-files.mjs';

const parse = (raw) => PostalMime.parse(raw);

function checkWireFormat(raw) {
  const text = raw.toString('latin1');
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // CRLF only
  for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  expect([...raw].every((b) => b < 0x80)).toBe(true); // 7-bit
}

describe('buildMessage', () => {
  it('round-trips non-ASCII subject, names, bodies and attachment names through a MIME parser', async () => {
    const pdf = samplePdf('hello');
    const raw = buildMessage({
      from: { name: 'Bob Ødegård', address: 'bob@sealpost.test' },
      to: [{ name: 'Łukasz Żółć', address: 'lukasz@poczta.example' }, { name: 'Doe, Jane', address: 'jane@x.example' }],
      subject: 'Grüße 🎉 — ' + 'a long subject '.repeat(8).trim(),
      date: new Date('2026-01-02T03:04:05Z'),
      text: 'Schöne Grüße = 100%\nzweite Zeile   \n' + 'x'.repeat(200),
      html: '<p>Größe <b>wichtig</b></p>',
      attachments: [
        { filename: 'Bericht Größe.pdf', contentType: 'application/pdf', content: pdf },
        { filename: 'logo.png', contentType: 'image/png', content: samplePng(4, 4), cid: 'logo@x' },
      ],
    });
    checkWireFormat(raw);
    const mail = await parse(raw);
    expect(mail.subject).toBe('Grüße 🎉 — ' + 'a long subject '.repeat(8).trim());
    expect(mail.from).toMatchObject({ name: 'Bob Ødegård', address: 'bob@sealpost.test' });
    expect(mail.to?.map((a) => a.name)).toEqual(['Łukasz Żółć', 'Doe, Jane']);
    expect(mail.text).toBe('Schöne Grüße = 100%\nzweite Zeile   \n' + 'x'.repeat(200) + '\n');
    expect(mail.html).toContain('Größe <b>wichtig</b>');
    const att = mail.attachments.find((a) => a.mimeType === 'application/pdf');
    expect(att?.filename).toBe('Bericht Größe.pdf');
    expect(Buffer.from(att.content).equals(pdf)).toBe(true);
    const inline = mail.attachments.find((a) => a.contentId === '<logo@x>');
    expect(inline?.disposition).toBe('inline');
  });

  it('keeps References and In-Reply-To', async () => {
    const mail = await parse(
      buildMessage({ from: 'a@x', to: ['b@x'], subject: 'Re: t', date: new Date(), messageId: 'c@x', inReplyTo: 'b@x', references: ['a@x', 'b@x'], text: 'x' }),
    );
    expect(mail.inReplyTo).toBe('<b@x>');
    expect(mail.references).toBe('<a@x> <b@x>');
    expect(mail.messageId).toBe('<c@x>');
  });

  it('embeds a message/rfc822 attachment untouched', async () => {
    const inner = buildMessage({ from: 'p@x', to: ['q@x'], subject: 'Inner', date: new Date(), text: 'inner body' });
    const mail = await parse(buildMessage({ from: 'a@x', to: ['b@x'], subject: 'Fwd', date: new Date(), text: 'see attached', attachments: [{ filename: 'orig.eml', contentType: 'message/rfc822', content: inner }] }));
    // postal-mime inlines forwarded messages as attachments of type message/rfc822
    const fwd = mail.attachments.find((a) => a.mimeType === 'message/rfc822');
    expect(Buffer.from(fwd.content).toString('latin1')).toContain('Subject: Inner');
  });
});

describe('encodings', () => {
  it('encoded words stay within 75 characters and never split a character', () => {
    const words = encodedWords('日本語のテキスト'.repeat(10));
    for (const w of words) expect(w.length).toBeLessThanOrEqual(75);
    const decoded = words.map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).join('');
    expect(decoded).toBe('日本語のテキスト'.repeat(10));
  });

  it('quoted-printable encodes "=", 8-bit bytes and trailing white space, with soft breaks', () => {
    const qp = quotedPrintable('a=b é \n' + 'y'.repeat(100));
    expect(qp.split('\r\n')[0]).toBe('a=3Db =C3=A9=20');
    for (const line of qp.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
  });
});
