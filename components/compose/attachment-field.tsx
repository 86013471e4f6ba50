'use client';

import { useRef } from 'react';

import type { ComposeFields } from '@/lib/mail/compose-fields';

/** Total size of a message's attachments: base64 makes them a third larger, within the 50 MB a message may have. */
export const MAX_ATTACHMENTS_BYTES = 25 * 1024 * 1024;

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The "Attach files" button (a hidden file input behind it) and the list of attached files. */
export function AttachmentField({
  attachments,
  onAdd,
  onRemove,
  disabled,
}: {
  attachments: ComposeFields['attachments'];
  onAdd: (files: File[]) => void;
  onRemove: (id: string) => void;
  disabled: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="compose-attachments">
      <button type="button" onClick={() => input.current?.click()} disabled={disabled}>
        Attach files
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-label="Files to attach"
        onChange={(e) => {
          onAdd(Array.from(e.target.files ?? []));
          e.target.value = '';
        }}
      />
      {attachments.length > 0 && (
        <ul aria-label="Attached files" className="attached-files">
          {attachments.map((a) => (
            <li key={a.id}>
              <span>
                {a.filename} ({formatSize(a.content.length)})
              </span>{' '}
              <button type="button" aria-label={`Remove ${a.filename}`} onClick={() => onRemove(a.id)} disabled={disabled}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
