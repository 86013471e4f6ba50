'use client';

import { type MouseEvent, useEffect, useMemo, useRef, useState } from 'react';

import type { ReaderAttachment } from '@/lib/mail/partial-message';

import { AttachmentPreviewDialog } from './attachment-preview-dialog';
import { previewKind } from './attachment-preview';

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Saves bytes under a file name from a blob URL; offered as opaque bytes so the browser never renders them. */
function saveBytes(bytes: Uint8Array, filename: string) {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Attachments with name, type and size. Each downloads from a blob URL (never from the server as
 * a page); an attachment of a message read part by part is fetched only when downloaded or previewed.
 */
export function AttachmentList({ attachments, load }: { attachments: ReaderAttachment[]; load: (a: ReaderAttachment) => Promise<Uint8Array> }) {
  // Bytes at hand (a message read whole) get a real link, so "Save link as" works too.
  const urls = useMemo(
    () => attachments.map((a) => (a.content ? URL.createObjectURL(new Blob([a.content as BlobPart], { type: 'application/octet-stream' })) : null)),
    [attachments],
  );
  useEffect(() => () => urls.forEach((u) => u && URL.revokeObjectURL(u)), [urls]);
  const [busy, setBusy] = useState<Set<number>>(new Set());
  const [failed, setFailed] = useState<string | null>(null);
  const [preview, setPreview] = useState<number | null>(null);
  const previewButtons = useRef(new Map<number, HTMLButtonElement>());
  // The Preview button to focus again once the dialog is gone (inert while the modal is open).
  const returnFocus = useRef<HTMLButtonElement | null>(null);
  useEffect(() => {
    if (preview !== null || !returnFocus.current) return;
    returnFocus.current.focus();
    returnFocus.current = null;
  }, [preview]);

  if (attachments.length === 0) return null;

  const download = async (e: MouseEvent, a: ReaderAttachment, i: number) => {
    if (urls[i]) return;
    e.preventDefault();
    setFailed(null);
    setBusy((s) => new Set(s).add(i));
    try {
      saveBytes(await load(a), a.filename);
    } catch {
      setFailed(`${a.filename} could not be downloaded. Try again.`);
    } finally {
      setBusy((s) => {
        const next = new Set(s);
        next.delete(i);
        return next;
      });
    }
  };

  const open = preview === null ? null : attachments[preview];
  return (
    <>
      <ul className="attachments" aria-label="Attachments">
        {attachments.map((a, i) => (
          <li key={`${a.part ?? ''}-${a.filename}-${i}`} className="attachment">
            <span className="attachment-name">{a.filename}</span>
            <span className="muted">
              {a.mimeType}, {a.sizeExact ? '' : 'about '}
              {formatSize(a.size)}
            </span>
            <a
              href={urls[i] ?? '#'}
              download={a.filename}
              aria-label={`Download ${a.filename}`}
              aria-busy={busy.has(i)}
              onClick={(e) => void download(e, a, i)}
            >
              {busy.has(i) ? 'Downloading…' : 'Download'}
            </a>
            {previewKind(a.mimeType) && (
              <button
                type="button"
                className="link-button"
                aria-label={`Preview ${a.filename}`}
                ref={(el) => {
                  if (el) previewButtons.current.set(i, el);
                  else previewButtons.current.delete(i);
                }}
                onClick={() => setPreview(i)}
              >
                Preview
              </button>
            )}
          </li>
        ))}
      </ul>
      {failed && (
        <p role="alert" className="pane-error">
          {failed}
        </p>
      )}
      {open && (
        <AttachmentPreviewDialog
          attachment={open}
          load={load}
          onClose={() => {
            returnFocus.current = previewButtons.current.get(preview!) ?? null;
            setPreview(null);
          }}
        />
      )}
    </>
  );
}
