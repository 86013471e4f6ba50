import { describe, expect, it } from 'vitest';

import { htmlToText } from './html-to-text';

describe('htmlToText', () => {
  it('puts blocks and line breaks on lines', () => {
    expect(htmlToText('<div>Hello <b>Bob</b>,</div><div><br></div><div>second&nbsp;line</div>')).toBe('Hello Bob,\n\nsecond line');
  });

  it('marks list items', () => {
    expect(htmlToText('<p>Intro</p><ul><li>one</li><li>two<ol><li>a</li><li>b</li></ol></li></ul>')).toBe('Intro\n- one\n- two\n  1. a\n  2. b');
  });

  it('writes a link address after its text', () => {
    expect(htmlToText('see <a href="https://example.com/">the site</a> or <a href="https://example.com/">https://example.com/</a>')).toBe(
      'see the site <https://example.com/> or https://example.com/',
    );
  });

  it('quotes blockquotes and keeps pre', () => {
    expect(htmlToText('<p>me</p><blockquote><p>you</p><p>again</p></blockquote><pre>a  b\n c</pre>')).toBe('me\n> you\n> again\na  b\n c');
  });

  it('collapses white space and decodes references', () => {
    expect(htmlToText('  a \n  b &amp; &lt;c&gt; &#x1F389;  ')).toBe('a b & <c> 🎉');
  });

  it('skips scripts and styles', () => {
    expect(htmlToText('<style>p{}</style><script>x()</script>text')).toBe('text');
  });

  it('leaves out what the reader never showed: hidden, display:none, visibility:hidden (REPLY attacks)', () => {
    expect(htmlToText('<div style="color:red; display: none">secret <div>nested</div> still</div><p>shown</p>')).toBe('shown');
    expect(htmlToText('<p hidden>secret</p><span style="visibility:hidden">secret</span><p>shown <img hidden src="x"> too</p>')).toBe('shown too');
    expect(htmlToText('<p style="display:block">shown</p>')).toBe('shown');
  });
});
