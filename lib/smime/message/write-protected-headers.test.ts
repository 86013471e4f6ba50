import { afterEach, describe, expect, it, vi } from 'vitest';

// Browsers decode the label "latin1" as windows-1252 (WHATWG Encoding): 0x80-0x9F become other
// code points. Node does not, so the browser's decoder is stood in for here.
const WINDOWS_1252 = new Map([[0x80, 0x20ac], [0x9f, 0x0178]]);
class BrowserTextDecoder extends TextDecoder {
  private readonly legacy: boolean;
  constructor(label = 'utf-8', options?: TextDecoderOptions) {
    super(label, options);
    this.legacy = ['latin1', 'iso-8859-1', 'ascii', 'us-ascii', 'windows-1252'].includes(label.toLowerCase());
  }
  override decode(input?: AllowSharedBufferSource, options?: TextDecodeOptions): string {
    if (!this.legacy || !input) return super.decode(input, options);
    if (!(input instanceof Uint8Array)) throw new Error('this stand-in reads Uint8Array only');
    return String.fromCharCode(...Array.from(input, (b) => WINDOWS_1252.get(b) ?? b));
  }
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('protectHeaders', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('copies an 8-bit field into HP-Outer byte for byte, also where "latin1" decodes as windows-1252', async () => {
    vi.stubGlobal('TextDecoder', BrowserTextDecoder);
    vi.resetModules();
    const { protectHeaders } = await import('./write-protected-headers');
    // "ß" is C3 9F and "€" E2 82 AC in UTF-8: both hold bytes windows-1252 maps elsewhere.
    const from = utf8('From: Jörg Großmann <j@example.org>');
    const subject = utf8('Subject: Preis 5 €');
    const folded = utf8('To: a@example.org,\r\n b@example.org');
    const { outer, payloadHeaders } = protectHeaders([from, subject, folded], [utf8('Content-Type: text/plain; charset=utf-8')], { mode: 'cipher', hideSubject: true });

    expect(outer.map(text)).toEqual(['From: Jörg Großmann <j@example.org>', 'Subject: [...]', 'To: a@example.org,\r\n b@example.org']);
    const lines = payloadHeaders.map(text);
    expect(lines).toContain('Subject: Preis 5 €');
    expect(lines).toContain('HP-Outer: From: Jörg Großmann <j@example.org>');
    expect(lines).toContain('HP-Outer: Subject: [...]');
    expect(lines).toContain('HP-Outer: To: a@example.org, b@example.org');
    expect(lines).toContain('Content-Type: text/plain; charset=utf-8;\r\n hp="cipher"');
  });
});
