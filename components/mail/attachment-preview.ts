// Which attachments the reader previews, and how. Images are drawn by <img> (which runs no
// script, so even a hostile file can only be a picture); SVG is not previewed at all, since the
// same bytes opened any other way would run their scripts. PDFs go to the browser's own viewer.

const PREVIEW_TYPES: Record<string, 'image' | 'pdf'> = {
  'image/png': 'image',
  'image/jpeg': 'image',
  'image/gif': 'image',
  'image/webp': 'image',
  'application/pdf': 'pdf',
};

export type PreviewKind = 'image' | 'pdf';

/** How to preview a file of this type, or null when it is only downloadable. */
export function previewKind(mimeType: string): PreviewKind | null {
  return PREVIEW_TYPES[mimeType.trim().toLowerCase()] ?? null;
}

/** The MIME type of the blob a preview shows: only the fixed types above, never the message's own label. */
export function previewBlobType(mimeType: string): string | null {
  const t = mimeType.trim().toLowerCase();
  return PREVIEW_TYPES[t] ? t : null;
}
