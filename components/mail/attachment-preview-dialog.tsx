'use client';

import { useEffect, useId, useRef, useState } from 'react';

import type { ReaderAttachment } from '@/lib/mail/partial-message';

import { previewBlobType, previewKind } from './attachment-preview';

/**
 * A modal preview of one image or PDF attachment, named after the file; Esc or Close leave it.
 * The bytes are shown from a blob: URL typed by us (never by the message): an image through
 * <img>, which runs no script; a PDF through <object>, handing it to the browser's PDF viewer
 * (Chromium will not run its viewer inside a sandboxed frame, so a sandbox would show nothing).
 */
export function AttachmentPreviewDialog({
  attachment,
  load,
  onClose,
}: {
  attachment: ReaderAttachment;
  load: (a: ReaderAttachment) => Promise<Uint8Array>;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const kind = previewKind(attachment.mimeType);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  useEffect(() => {
    let cancelled = false;
    let made: string | null = null;
    const type = previewBlobType(attachment.mimeType);
    load(attachment).then(
      (bytes) => {
        if (cancelled || !type) return;
        made = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
        setUrl(made);
      },
      () => !cancelled && setError('The file could not be loaded for preview.'),
    );
    return () => {
      cancelled = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [attachment, load]);

  return (
    <dialog
      ref={ref}
      className="preview-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        // Esc: close through React state, so focus goes back to the Preview button.
        e.preventDefault();
        onClose();
      }}
    >
      <div className="preview-header">
        <h2 id={titleId}>{attachment.filename}</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="preview-body">
        {error ? (
          <p role="alert" className="pane-error">
            {error}
          </p>
        ) : !url ? (
          <p role="status" className="muted">
            Loading…
          </p>
        ) : kind === 'image' ? (
          // eslint-disable-next-line @next/next/no-img-element -- a blob: URL, not an optimizable asset
          <img src={url} alt={attachment.filename} className="preview-image" />
        ) : (
          <object data={url} type="application/pdf" aria-label={attachment.filename} className="preview-pdf">
            <p>
              This browser cannot show the PDF here.{' '}
              <a href={url} download={attachment.filename}>
                Download it
              </a>
              .
            </p>
          </object>
        )}
      </div>
    </dialog>
  );
}
