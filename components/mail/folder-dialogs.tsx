'use client';

import { type FormEvent, useMemo, useState } from 'react';

import { errorMessage } from '@/lib/api/client';
import type { Folder } from '@/lib/api/types';
import { folderNameProblem, isWithin } from '@/lib/mail/folder-name';
import { useFolders, useNotice } from '@/stores/mail-stores-provider';

import { ModalDialog } from './modal-dialog';

// The dialogs of the folder pane's "Folder actions": new, rename, delete. Each keeps what was
// typed when the server refuses, and shows why.

const TOP_LEVEL = '';

/** The delimiter of new top-level folders: the Inbox's (servers use one delimiter per namespace). */
function topLevelDelimiter(folders: Folder[]): string {
  return folders.find((f) => f.specialUse === 'inbox')?.delimiter ?? folders[0]?.delimiter ?? '/';
}

function useSubmit(action: () => Promise<void>) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function run() {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorMessage(e, 'That did not work. Try again.'));
      setBusy(false);
    }
  }
  return { error, setError, busy, run };
}

function FormError({ error }: { error: string | null }) {
  return error ? (
    <p role="alert" className="form-error">
      {error}
    </p>
  ) : null;
}

export function NewFolderDialog({ initialParent, onClose }: { initialParent: string | null; onClose: () => void }) {
  const folders = useFolders((s) => s.folders);
  const createFolder = useFolders((s) => s.createFolder);
  const showNotice = useNotice((s) => s.show);
  const [name, setName] = useState('');
  const [parent, setParent] = useState(initialParent ?? TOP_LEVEL);
  const { error, setError, busy, run } = useSubmit(async () => {
    await createFolder(parent === TOP_LEVEL ? null : parent, name);
    showNotice(`Created folder "${name.trim()}".`);
    onClose();
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const delimiter = parent === TOP_LEVEL ? topLevelDelimiter(folders) : (folders.find((f) => f.path === parent)?.delimiter ?? '');
    const problem = folderNameProblem(name, delimiter);
    if (problem) return setError(problem);
    void run();
  }

  return (
    <ModalDialog title="New folder" onClose={onClose}>
      <form onSubmit={onSubmit} aria-busy={busy} className="dialog-form" noValidate>
        <label htmlFor="new-folder-name">Folder name</label>
        <input id="new-folder-name" data-autofocus value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        <label htmlFor="new-folder-parent">Create in</label>
        <select id="new-folder-parent" value={parent} onChange={(e) => setParent(e.target.value)}>
          <option value={TOP_LEVEL}>Top level</option>
          {folders.map((f) => (
            <option key={f.path} value={f.path}>
              {`${'\u00a0\u00a0'.repeat(f.depth)}${f.name}`}
            </option>
          ))}
        </select>
        <FormError error={error} />
        <div className="dialog-buttons">
          <button type="submit" disabled={busy}>
            Create
          </button>
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

export function RenameFolderDialog({ folder, onClose }: { folder: Folder; onClose: () => void }) {
  const renameFolder = useFolders((s) => s.renameFolder);
  const showNotice = useNotice((s) => s.show);
  const [name, setName] = useState(folder.name);
  const { error, setError, busy, run } = useSubmit(async () => {
    await renameFolder(folder.path, name);
    showNotice(`Renamed "${folder.name}" to "${name.trim()}".`);
    onClose();
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const problem = folderNameProblem(name, folder.delimiter);
    if (problem) return setError(problem);
    if (name.trim() === folder.name) return onClose();
    void run();
  }

  return (
    <ModalDialog title="Rename folder" onClose={onClose}>
      <form onSubmit={onSubmit} aria-busy={busy} className="dialog-form" noValidate>
        <label htmlFor="rename-folder-name">Folder name</label>
        <input id="rename-folder-name" data-autofocus value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        <FormError error={error} />
        <div className="dialog-buttons">
          <button type="submit" disabled={busy}>
            Rename
          </button>
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function DeleteFolderDialog({ folder, onClose }: { folder: Folder; onClose: () => void }) {
  const folders = useFolders((s) => s.folders);
  const deleteFolder = useFolders((s) => s.deleteFolder);
  // Counted from the tree as it is now; the server refuses if there are more by the time it acts.
  const { messages, subfolders } = useMemo(() => {
    const inside = folders.filter((f) => isWithin(f.path, folder.path, folder.delimiter));
    return { messages: inside.reduce((sum, f) => sum + f.total, 0), subfolders: inside.length - 1 };
  }, [folders, folder]);
  const showNotice = useNotice((s) => s.show);
  const { error, busy, run } = useSubmit(async () => {
    await deleteFolder(folder.path, messages);
    showNotice(`Deleted folder "${folder.name}".`);
    onClose();
  });

  const what = subfolders > 0 ? `"${folder.name}" and its ${count(subfolders, 'subfolder', 'subfolders')}` : `"${folder.name}"`;
  return (
    <ModalDialog title="Delete folder" onClose={onClose}>
      <p>
        {messages > 0
          ? `${what} ${subfolders > 0 ? 'hold' : 'holds'} ${count(messages, 'message', 'messages')}. Deleting the folder deletes ${messages === 1 ? 'it' : 'them'} for good.`
          : `Delete ${what}? ${subfolders > 0 ? 'They hold' : 'It holds'} no messages.`}
      </p>
      <FormError error={error} />
      <div className="dialog-buttons">
        <button type="button" className="button-danger" onClick={() => void run()} disabled={busy}>
          {messages > 0 ? `Delete folder and ${count(messages, 'message', 'messages')}` : 'Delete folder'}
        </button>
        <button type="button" data-autofocus onClick={onClose} disabled={busy}>
          Cancel
        </button>
      </div>
    </ModalDialog>
  );
}
