'use client';

import { useEffect, useMemo } from 'react';

import type { ParsedAttachment } from '@/lib/mail/parse-message';

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Attachments with name, type and size; each downloads from a blob URL (never from the server). */
export function AttachmentList({ attachments }: { attachments: ParsedAttachment[] }) {
  // Downloads are offered as opaque bytes, so the browser saves them instead of rendering them.
  const urls = useMemo(
    () => attachments.map((a) => URL.createObjectURL(new Blob([a.content as BlobPart], { type: 'application/octet-stream' }))),
    [attachments],
  );
  useEffect(() => () => urls.forEach((u) => URL.revokeObjectURL(u)), [urls]);
  if (attachments.length === 0) return null;
  return (
    <ul className="attachments" aria-label="Attachments">
      {attachments.map((a, i) => (
        <li key={`${a.filename}-${i}`} className="attachment">
          <span className="attachment-name">{a.filename}</span>
          <span className="muted">
            {a.mimeType}, {formatSize(a.size)}
          </span>
          <a href={urls[i]} download={a.filename} aria-label={`Download ${a.filename}`}>
            Download
          </a>
        </li>
      ))}
    </ul>
  );
}
