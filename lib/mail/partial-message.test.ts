import { describe, expect, it } from 'vitest';

import type { MessagePart, MessageStructure } from '../api/types';
import { LARGE_MESSAGE_BYTES, MAX_HEADER_FETCH_BYTES, MAX_TEXT_PART_BYTES, decodeAttachment, inlineImagesToFetch, needsWholeMessage, planMessage, readPartByPart, readPartial } from './partial-message';

const leaf = (part: string, type: string, extra: Partial<MessagePart> = {}): MessagePart => ({
  part,
  type,
  parameters: {},
  encoding: '7bit',
  size: 10,
  id: null,
  disposition: null,
  dispositionParameters: {},
  ...extra,
});
const multi = (part: string, type: string, children: MessagePart[]): MessagePart => ({ ...leaf(part, type), encoding: null, children });

const structure: MessageStructure = {
  uid: 7,
  size: 30 * 1024 * 1024,
  truncated: false,
  root: multi('', 'multipart/mixed', [
    multi('1', 'multipart/alternative', [
      leaf('1.1', 'text/plain', { parameters: { charset: 'iso-8859-1' }, encoding: 'quoted-printable' }),
      multi('1.2', 'multipart/related', [
        leaf('1.2.1', 'text/html', { parameters: { charset: 'utf-8' }, encoding: 'base64' }),
        leaf('1.2.2', 'image/png', { id: 'logo@x', disposition: 'inline', encoding: 'base64', size: 100 }),
      ]),
    ]),
    leaf('2', 'application/pdf', { disposition: 'attachment', dispositionParameters: { filename: 'Größe.pdf' }, encoding: 'base64', size: 26 * 1024 * 1024 }),
  ]),
};

describe('planMessage', () => {
  it('takes text/plain and text/html leaves as the body and every other leaf as an attachment', () => {
    const plan = planMessage(structure);
    expect(plan.textParts.map((p) => p.part)).toEqual(['1.1', '1.2.1']);
    expect(plan.attachments.map((a) => [a.part, a.filename, a.inline, a.content])).toEqual([
      ['1.2.2', 'attachment', true, null],
      ['2', 'Größe.pdf', false, null],
    ]);
    // base64 sizes are estimates of the decoded size
    const pdf = plan.attachments[1]!;
    expect(pdf.sizeExact).toBe(false);
    expect(pdf.size).toBeGreaterThan(18.9 * 1024 * 1024);
    expect(pdf.size).toBeLessThan(20 * 1024 * 1024);
  });
  it('counts a named or attachment text part as a file', () => {
    const s = { ...structure, root: multi('', 'multipart/mixed', [leaf('1', 'text/plain'), leaf('2', 'text/html', { disposition: 'attachment' }), leaf('3', 'text/plain', { parameters: { name: 'a.txt' } })]) };
    const plan = planMessage(s);
    expect(plan.textParts.map((p) => p.part)).toEqual(['1']);
    expect(plan.attachments.map((a) => a.part)).toEqual(['2', '3']);
  });
});

describe('which messages are read part by part', () => {
  it('only large multipart messages that are not S/MIME', () => {
    expect(readPartByPart(structure)).toBe(true);
    expect(readPartByPart({ ...structure, size: LARGE_MESSAGE_BYTES })).toBe(false);
    expect(needsWholeMessage({ ...structure, root: multi('', 'multipart/signed', []) })).toBe(true);
    expect(needsWholeMessage({ ...structure, root: leaf('1', 'application/pkcs7-mime') })).toBe(true);
    expect(readPartByPart({ ...structure, root: leaf('1', 'text/plain') })).toBe(false);
  });
});

describe('readPartial', () => {
  it('fetches the header and the text parts only, decoding transfer encodings and charsets', async () => {
    const asked: string[] = [];
    const parts: Record<string, Uint8Array> = {
      HEADER: new TextEncoder().encode('From: =?UTF-8?Q?Zo=C3=AB?= <zoe@x.example>\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n'),
      '1.1': new TextEncoder().encode('Gr=FC=DFe aus K=F6ln=\r\n, plain'),
      '1.2.1': new TextEncoder().encode(Buffer.from('<p>Grüße <img src="cid:logo@x"></p>').toString('base64')),
    };
    const m = await readPartial(structure, async (section) => {
      asked.push(section);
      return parts[section]!;
    });
    expect(asked.sort()).toEqual(['1.1', '1.2.1', 'HEADER']);
    expect(m.subject).toBe('Grüße');
    expect(m.from).toEqual({ name: 'Zoë', address: 'zoe@x.example' });
    expect(m.text).toContain('Grüße aus Köln, plain');
    expect(m.html).toContain('<p>Grüße');
    expect(m.notices).toEqual([]);
    expect(m.partial).toBe(true);
    expect(inlineImagesToFetch(m).map((a) => a.part)).toEqual(['1.2.2']);
    expect(new TextDecoder().decode(decodeAttachment(m.attachments[1]!, new TextEncoder().encode('aGk=')))).toBe('hi');
  });
  it('asks for at most MAX_TEXT_PART_BYTES of a text part and says when the text was cut', async () => {
    const limits: (number | undefined)[] = [];
    const m = await readPartial(structure, async (section, max) => {
      limits.push(max);
      if (section === 'HEADER') return new TextEncoder().encode('Subject: long\r\n\r\n');
      return new Uint8Array(max!).fill(0x61);
    });
    expect(limits.sort()).toEqual([MAX_HEADER_FETCH_BYTES, MAX_TEXT_PART_BYTES, MAX_TEXT_PART_BYTES].sort());
    expect(m.notices.map((n) => n.code)).toEqual(['text-too-long']);
  });

  it('says so when the server cut the tree', async () => {
    const m = await readPartial({ ...structure, truncated: true }, async (section) => new TextEncoder().encode(section === 'HEADER' ? 'Subject: x\r\n\r\n' : 'text'));
    expect(m.notices.map((n) => n.code)).toContain('too-many-parts');
  });
});
