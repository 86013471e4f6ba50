'use client';

import { type KeyboardEvent, useEffect, useRef, useState } from 'react';

/** Link targets the editor accepts (the sanitizer drops every other scheme anyway). */
const LINK = /^(https?:\/\/|mailto:)\S+$/i;

const COMMANDS = [
  { label: 'Bold', command: 'bold', text: 'B' },
  { label: 'Italic', command: 'italic', text: 'I' },
  { label: 'Underline', command: 'underline', text: 'U' },
  { label: 'Bulleted list', command: 'insertUnorderedList', text: '•' },
  { label: 'Numbered list', command: 'insertOrderedList', text: '1.' },
] as const;

/**
 * A contentEditable message body with a small formatting toolbar. The HTML it reports is raw
 * editor output: it is sanitized by our allow-list before anything is built from it.
 * (document.execCommand is deprecated but is still the only editing API browsers share.)
 */
export function RichTextEditor({ initialHtml, onChange }: { initialHtml: string; onChange: (html: string) => void }) {
  const editor = useRef<HTMLDivElement>(null);
  const saved = useRef<Range | null>(null);
  const [linkOpen, setLinkOpen] = useState(false);
  const [link, setLink] = useState('https://');
  const [linkError, setLinkError] = useState<string | null>(null);

  // The editor is uncontrolled: its starting HTML is set once, then it reports every change.
  useEffect(() => {
    if (editor.current) editor.current.innerHTML = initialHtml;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const report = () => onChange(editor.current?.innerHTML ?? '');
  const run = (command: string, value?: string) => {
    editor.current?.focus();
    document.execCommand(command, false, value);
    report();
  };

  const openLink = () => {
    const sel = window.getSelection();
    saved.current = sel && sel.rangeCount && editor.current?.contains(sel.anchorNode) ? sel.getRangeAt(0).cloneRange() : null;
    setLinkError(null);
    setLinkOpen(true);
  };

  const insertLink = () => {
    const url = link.trim();
    if (!LINK.test(url)) return setLinkError('A link starts with https://, http:// or mailto:.');
    editor.current?.focus();
    const sel = window.getSelection();
    if (saved.current && sel) {
      sel.removeAllRanges();
      sel.addRange(saved.current);
    }
    if (!sel || sel.isCollapsed) run('insertHTML', `<a href="${url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}">${url.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</a>`);
    else run('createLink', url);
    setLinkOpen(false);
  };

  const onLinkKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      insertLink();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setLinkOpen(false);
      editor.current?.focus();
    }
  };

  return (
    <div className="rich-editor">
      <div role="toolbar" aria-label="Formatting" className="format-toolbar">
        {COMMANDS.map((c) => (
          <button key={c.command} type="button" aria-label={c.label} title={c.label} onMouseDown={(e) => e.preventDefault()} onClick={() => run(c.command)}>
            {c.text}
          </button>
        ))}
        <button type="button" aria-label="Link" title="Link" aria-expanded={linkOpen} onMouseDown={(e) => e.preventDefault()} onClick={openLink}>
          Link
        </button>
      </div>
      {linkOpen && (
        <div className="link-form">
          <label htmlFor="compose-link">Link address</label>
          <input id="compose-link" type="url" value={link} autoFocus onChange={(e) => setLink(e.target.value)} onKeyDown={onLinkKey} />
          <button type="button" onClick={insertLink}>
            Insert link
          </button>
          {linkError && (
            <span role="alert" className="form-error">
              {linkError}
            </span>
          )}
        </div>
      )}
      <div
        ref={editor}
        id="compose-body"
        className="rich-body"
        role="textbox"
        aria-multiline="true"
        aria-label="Message"
        contentEditable
        suppressContentEditableWarning
        onInput={report}
      />
    </div>
  );
}
