'use client';

import { type KeyboardEvent, useEffect } from 'react';

import type { Folder } from '@/lib/api/types';
import { useFolders } from '@/stores/mail-stores-provider';

import { FolderActions } from './folder-actions';
import { folderLabel, unreadBadge } from './folder-label';
import { Icon } from './icons';
import { useFolderDrop } from './use-folder-drop';

function treeItemId(path: string): string {
  return `folder-${encodeURIComponent(path).replace(/%/g, '_')}`;
}

/**
 * The folder pane: a `nav` named "Folders" holding an ARIA tree (a flat list with aria-level).
 * Selection follows focus: arrow keys open the next folder.
 */
export function FolderTree() {
  const folders = useFolders((s) => s.folders);
  const selectedPath = useFolders((s) => s.selectedPath);
  const status = useFolders((s) => s.status);
  const error = useFolders((s) => s.error);
  const load = useFolders((s) => s.load);
  const select = useFolders((s) => s.select);
  const { dropTarget, dropHandlers } = useFolderDrop();

  useEffect(() => {
    void load();
  }, [load]);

  function move(event: KeyboardEvent<HTMLUListElement>) {
    const openable = folders.filter((f) => f.selectable);
    const index = openable.findIndex((f) => f.path === selectedPath);
    const targets: Record<string, Folder | undefined> = {
      ArrowDown: openable[index + 1],
      ArrowUp: openable[index - 1],
      Home: openable[0],
      End: openable[openable.length - 1],
    };
    const target = targets[event.key];
    if (!target) return;
    event.preventDefault();
    select(target.path);
    document.getElementById(treeItemId(target.path))?.focus();
  }

  return (
    <nav className="folder-pane" aria-label="Folders">
      <FolderActions />
      {status === 'error' && (
        <p role="alert" className="pane-error">
          {error}{' '}
          <button type="button" className="link-button" onClick={() => void load()}>
            Try again
          </button>
        </p>
      )}
      <ul role="tree" aria-label="Folders" className="folder-tree" onKeyDown={move} aria-busy={status === 'loading'}>
        {folders.map((f, i) => {
          const selected = f.path === selectedPath;
          const hasChildren = (folders[i + 1]?.depth ?? 0) > f.depth;
          return (
            <li
              key={f.path}
              id={treeItemId(f.path)}
              role="treeitem"
              aria-level={f.depth + 1}
              aria-selected={selected}
              aria-expanded={hasChildren ? true : undefined}
              aria-label={folderLabel(f)}
              tabIndex={selected ? 0 : -1}
              className={`folder${selected ? ' selected' : ''}${f.selectable ? '' : ' container'}${dropTarget === f.path ? ' drop-target' : ''}`}
              style={{ paddingLeft: `${0.75 + f.depth * 1}rem` }}
              onClick={() => select(f.path)}
              {...dropHandlers(f)}
            >
              <Icon name={f.specialUse ?? 'folder'} className="folder-icon" />
              <span className="folder-name">{f.name}</span>
              {f.unread > 0 && (
                <span className="unread-count" aria-hidden="true">
                  {unreadBadge(f.unread)}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
