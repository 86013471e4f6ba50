'use client';

import { type KeyboardEvent, useEffect } from 'react';

import type { Folder } from '@/lib/api/types';
import { useFolders, useMessageList } from '@/stores/mail-stores-provider';

const ICONS: Record<string, string> = { inbox: '📥', drafts: '📝', sent: '📤', archive: '🗄', junk: '⚠', trash: '🗑' };

/** Accessible name of a folder row, e.g. "Inbox, 12 unread". */
export function folderLabel(f: Folder): string {
  return f.unread > 0 ? `${f.name}, ${f.unread} unread` : f.name;
}

export function FolderTree() {
  const folders = useFolders((s) => s.folders);
  const selectedPath = useFolders((s) => s.selectedPath);
  const status = useFolders((s) => s.status);
  const error = useFolders((s) => s.error);
  const load = useFolders((s) => s.load);
  const select = useFolders((s) => s.select);
  const open = useMessageList((s) => s.open);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    void open(selectedPath);
  }, [open, selectedPath]);

  function onKeyDown(event: KeyboardEvent<HTMLUListElement>) {
    const index = folders.findIndex((f) => f.path === selectedPath);
    const next = event.key === 'ArrowDown' ? index + 1 : event.key === 'ArrowUp' ? index - 1 : -1;
    const target = folders[next];
    if (target && next >= 0) {
      event.preventDefault();
      select(target.path);
      document.getElementById(treeItemId(target.path))?.focus();
    }
  }

  return (
    <nav className="folder-pane" aria-label="Folders">
      {status === 'error' && (
        <p role="alert" className="pane-error">
          {error}
        </p>
      )}
      <ul role="tree" aria-label="Folders" className="folder-tree" onKeyDown={onKeyDown} aria-busy={status === 'loading'}>
        {folders.map((f) => {
          const selected = f.path === selectedPath;
          return (
            <li
              key={f.path}
              id={treeItemId(f.path)}
              role="treeitem"
              aria-selected={selected}
              aria-label={folderLabel(f)}
              tabIndex={selected ? 0 : -1}
              className={selected ? 'folder selected' : 'folder'}
              style={{ paddingLeft: `${0.75 + f.depth * 0.9}rem` }}
              onClick={() => select(f.path)}
            >
              <span className="folder-icon" aria-hidden="true">
                {ICONS[f.specialUse ?? ''] ?? '📁'}
              </span>
              <span className="folder-name">{f.name}</span>
              {f.unread > 0 && (
                <span className="unread-count" aria-hidden="true">
                  {f.unread}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function treeItemId(path: string): string {
  return `folder-${encodeURIComponent(path).replace(/%/g, '_')}`;
}
