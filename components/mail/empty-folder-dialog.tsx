'use client';

import { useEffect, useState } from 'react';

import { api, errorMessage } from '@/lib/api/client';
import type { Folder, FolderSnapshot } from '@/lib/api/types';
import { useFolders, useMessageList, useNotice } from '@/stores/mail-stores-provider';

import { ModalDialog } from './modal-dialog';

/**
 * "Empty Trash" / "Empty Junk": counts what the folder holds now, and on confirmation deletes
 * exactly those messages for good (mail arriving meanwhile stays; see server/imap/empty-folder.ts).
 */
export function EmptyFolderDialog({ folder, onClose }: { folder: Folder; onClose: () => void }) {
  const [snapshot, setSnapshot] = useState<FolderSnapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reloadFolders = useFolders((s) => s.load);
  const openList = useMessageList((s) => s.open);
  const listFolder = useMessageList((s) => s.folder);
  const showNotice = useNotice((s) => s.show);

  useEffect(() => {
    let current = true;
    api.folderStatus(folder.path).then(
      (s) => current && setSnapshot(s),
      (e: unknown) => current && setError(errorMessage(e, 'The folder could not be counted.')),
    );
    return () => {
      current = false;
    };
  }, [folder.path]);

  async function confirm() {
    if (!snapshot) return;
    setBusy(true);
    setError(null);
    try {
      const { deleted } = await api.emptyFolder(snapshot);
      showNotice(`Deleted ${deleted} ${deleted === 1 ? 'message' : 'messages'} from ${folder.name} for good.`);
      onClose();
      void reloadFolders();
      if (listFolder === folder.path) void openList(folder.path);
    } catch (e) {
      setError(errorMessage(e, `${folder.name} could not be emptied.`));
      setBusy(false);
    }
  }

  const n = snapshot?.total ?? 0;
  return (
    <ModalDialog title={`Empty ${folder.name}`} onClose={onClose}>
      <p aria-live="polite">
        {!snapshot && !error && 'Counting…'}
        {snapshot && n === 0 && `${folder.name} is empty.`}
        {snapshot && n > 0 && `Delete the ${n === 1 ? 'message' : `${n} messages`} in ${folder.name} for good? This cannot be undone.`}
      </p>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      <div className="dialog-buttons">
        <button type="button" className="button-danger" onClick={() => void confirm()} disabled={busy || n === 0}>
          {`Delete ${n === 1 ? '1 message' : `${n} messages`}`}
        </button>
        <button type="button" data-autofocus onClick={onClose} disabled={busy}>
          Cancel
        </button>
      </div>
    </ModalDialog>
  );
}
