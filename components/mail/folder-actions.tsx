'use client';

import { useState } from 'react';

import { useFolders } from '@/stores/mail-stores-provider';

import { DeleteFolderDialog, NewFolderDialog, RenameFolderDialog } from './folder-dialogs';
import { EmptyFolderDialog } from './empty-folder-dialog';

type Open = 'new' | 'rename' | 'delete' | 'empty' | null;

/**
 * The folder pane's "Folder actions": New folder; Rename and Delete for the open folder (not for
 * the Inbox and the special folders); Empty for Trash and Junk.
 */
export function FolderActions() {
  const folder = useFolders((s) => s.folders.find((f) => f.path === s.selectedPath) ?? null);
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  const changeable = folder !== null && folder.specialUse === null;
  const emptiable = folder?.specialUse === 'trash' || folder?.specialUse === 'junk';
  const why = 'Inbox and the special folders cannot be renamed or deleted.';

  return (
    <>
      <div role="toolbar" aria-label="Folder actions" className="folder-actions">
        <button type="button" onClick={() => setOpen('new')}>
          New folder
        </button>
        <button type="button" onClick={() => setOpen('rename')} disabled={!changeable} title={changeable ? undefined : why}>
          Rename folder
        </button>
        <button type="button" onClick={() => setOpen('delete')} disabled={!changeable} title={changeable ? undefined : why}>
          Delete folder
        </button>
        {emptiable && folder && (
          <button type="button" onClick={() => setOpen('empty')}>
            {`Empty ${folder.name}`}
          </button>
        )}
      </div>
      {open === 'new' && <NewFolderDialog initialParent={null} onClose={close} />}
      {open === 'rename' && folder && <RenameFolderDialog folder={folder} onClose={close} />}
      {open === 'delete' && folder && <DeleteFolderDialog folder={folder} onClose={close} />}
      {open === 'empty' && folder && <EmptyFolderDialog folder={folder} onClose={close} />}
    </>
  );
}
