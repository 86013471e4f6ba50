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
