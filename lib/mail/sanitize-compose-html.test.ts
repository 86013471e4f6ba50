import { describe, expect, it } from 'vitest';

import { MAX_HTML_CHARS } from './html-tokens';
import { MAX_NESTING, sanitizeComposeHtml } from './sanitize-compose-html';

describe('sanitizeComposeHtml', () => {
  it('keeps the editor formatting', () => {
    const html = '<div><b>bold</b> <i>it</i> <u>u</u></div><ul><li>one</li><li>two</li></ul><ol><li>x</li></ol><a href="https://example.com/?a=1&amp;b=2">link</a><br>';
    expect(sanitizeComposeHtml(html)).toBe(html);
  });

  it.each([
    ['<script>alert(1)</script>hi', 'hi'],
    ['<img src="https://evil.example/x.png" onerror="alert(1)">hi', 'hi'],
    ['<p style="background:url(https://evil.example/)" onclick="x()">hi</p>', '<p>hi</p>'],
    ['<style>body{background:url(https://evil.example/)}</style>hi', 'hi'],
    ['<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
    ['<a href=" java\tscript:alert(1)">x</a>', '<a>x</a>'],
    ['<a href="data:text/html,<script>">x</a>', '<a>x</a>'],
    ['<svg><script>alert(1)</script><circle/></svg>hi', 'hi'],
    ['<iframe src="https://evil.example/"></iframe>hi', 'hi'],
    ['<form action="https://evil.example/"><input name=a>hi</form>', 'hi'],
    ['<meta http-equiv="refresh" content="0;url=https://evil.example/">hi', 'hi'],
    ['<link rel=stylesheet href="https://evil.example/x.css">hi', 'hi'],
    ['<!-- <script>x</script> -->hi', 'hi'],
    ['<b>unclosed <i>tags', '<b>unclosed <i>tags</i></b>'],
    ['</b>stray close', 'stray close'],
    ['1 < 2 & "3" > 0', '1 &lt; 2 &amp; &quot;3&quot; &gt; 0'],
    ['<p title="x" onmouseover="y">a</p>', '<p>a</p>'],
    ['<a href="https://x.example/" target="_blank" rel="opener">x</a>', '<a href="https://x.example/">x</a>'],
    ['<textarea><b>not markup</b></textarea>hi', 'hi'],
  ])('%j becomes %j', (input, output) => expect(sanitizeComposeHtml(input)).toBe(output));

  it('escapes what could end an attribute', () => {
    expect(sanitizeComposeHtml('<a href=\'https://x.example/"><script>\'>x</a>')).toBe('<a href="https://x.example/&quot;&gt;&lt;script&gt;">x</a>');
  });

  it('flattens nesting past the limit', () => {
    const deep = '<div>'.repeat(MAX_NESTING + 10) + 'x' + '</div>'.repeat(MAX_NESTING + 10);
    const out = sanitizeComposeHtml(deep);
    expect(out.match(/<div>/g)).toHaveLength(MAX_NESTING);
    expect(out).toContain('x');
  });

  it('refuses input over the size limit', () => {
    expect(() => sanitizeComposeHtml('a'.repeat(MAX_HTML_CHARS + 1))).toThrow(RangeError);
  });
});
