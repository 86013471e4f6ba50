import { describe, expect, it } from 'vitest';

import { buildFolderTree } from '../imap/folder-tree';
import { CERTBOOK_FOLDER, isCertbookFolderPath } from './certbook-folder';

describe('the address book folder', () => {
  it('is recognised at the top level and under an INBOX namespace prefix only', () => {
    expect(isCertbookFolderPath(CERTBOOK_FOLDER, '/')).toBe(true);
    expect(isCertbookFolderPath(`INBOX.${CERTBOOK_FOLDER}`, '.')).toBe(true);
    expect(isCertbookFolderPath(`Projects/${CERTBOOK_FOLDER}`, '/')).toBe(false);
    expect(isCertbookFolderPath(`${CERTBOOK_FOLDER} old`, '/')).toBe(false);
  });

  it('is left out of the folder tree', () => {
    const tree = buildFolderTree([
      { path: 'INBOX', name: 'INBOX', delimiter: '/' },
      { path: CERTBOOK_FOLDER, name: CERTBOOK_FOLDER, delimiter: '/' },
      { path: `Projects/${CERTBOOK_FOLDER}`, name: CERTBOOK_FOLDER, delimiter: '/' },
      { path: 'Projects', name: 'Projects', delimiter: '/' },
    ]);
    expect(tree.map((f) => f.path)).toEqual(['INBOX', 'Projects', `Projects/${CERTBOOK_FOLDER}`]);
  });
});
