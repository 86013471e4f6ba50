import zlib from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { sampleCsv, sampleIcs, samplePdf, samplePng } from './sample-files.mjs';

describe('samplePng', () => {
  it('writes a valid PNG: signature, chunk CRCs, IHDR and inflatable scanlines', () => {
    const png = samplePng(7, 5);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const chunks = [];
    for (let at = 8; at < png.length; ) {
      const len = png.readUInt32BE(at);
      const typeAndData = png.subarray(at + 4, at + 8 + len);
      expect(png.readUInt32BE(at + 8 + len)).toBe(zlib.crc32(typeAndData));
      chunks.push({ type: typeAndData.subarray(0, 4).toString(), data: typeAndData.subarray(4) });
      at += 12 + len;
    }
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(chunks[0].data.readUInt32BE(0)).toBe(7);
    expect(chunks[0].data.readUInt32BE(4)).toBe(5);
    expect(zlib.inflateSync(chunks[1].data).length).toBe((7 * 3 + 1) * 5);
  });
});

describe('samplePdf', () => {
  it('writes a PDF whose xref offsets point at its objects', () => {
    const pdf = samplePdf('Hello (world) \\ Grüße').toString('latin1');
    expect(pdf.startsWith('%PDF-1.4\n')).toBe(true);
    expect(pdf.endsWith('%%EOF\n')).toBe(true);
    const startxref = Number(pdf.match(/startxref\n(\d+)\n/)[1]);
    expect(pdf.slice(startxref, startxref + 4)).toBe('xref');
    const offsets = [...pdf.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    expect(offsets).toHaveLength(5);
    offsets.forEach((o, i) => expect(pdf.slice(o, o + 8)).toBe(`${i + 1} 0 obj\n`));
    expect(pdf).toContain('(Hello \\(world\\) \\\\ Gr??e) Tj');
  });
});

describe('sampleCsv and sampleIcs', () => {
  it('quote CSV fields that need it and write CRLF iCalendar lines', () => {
    expect(sampleCsv([['a', 'b,c'], ['"q"', 'x']]).toString()).toBe('a,"b,c"\r\n"""q""",x\r\n');
    const ics = sampleIcs({ uid: 'u@x', summary: 'Sync', start: new Date('2026-01-02T03:04:05Z'), minutes: 30, organizer: 'o@x' }).toString();
    expect(ics).toContain('DTSTART:20260102T030405Z\r\nDTEND:20260102T033405Z\r\n');
    expect(ics.split('\r\n').every((l) => l.length <= 75)).toBe(true);
  });
});
