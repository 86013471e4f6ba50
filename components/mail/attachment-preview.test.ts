import { describe, expect, it } from 'vitest';

import { previewBlobType, previewKind } from './attachment-preview';

describe('attachment preview', () => {
  it('previews raster images and PDFs only', () => {
    expect(previewKind('image/png')).toBe('image');
    expect(previewKind('IMAGE/JPEG')).toBe('image');
    expect(previewKind('application/pdf')).toBe('pdf');
    for (const t of ['image/svg+xml', 'text/html', 'application/octet-stream', 'image/png; x', '']) expect(previewKind(t)).toBeNull();
    expect(previewBlobType('image/svg+xml')).toBeNull();
  });
});
