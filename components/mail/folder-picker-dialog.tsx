'use client';

import { type FormEvent, type KeyboardEvent, useId, useMemo, useState } from 'react';

import { errorMessage } from '@/lib/api/client';
import type { Folder } from '@/lib/api/types';
import { useFolders } from '@/stores/mail-stores-provider';

import { ModalDialog } from './modal-dialog';

/**
 * Chooses the folder for "Move to…" / "Copy to…": a filter box and a listbox of folders.
 * Containers and the folder the messages are in cannot be chosen. Arrow keys (in the filter or
 * the list) move the choice, Enter confirms, Esc cancels.
 */
export function FolderPickerDialog({
  title,
  confirmLabel,
  exclude,
  onPick,
  onClose,
  fallbackFocus,
}: {
  title: string;
  confirmLabel: string;
  exclude: string | null;
  onPick: (folder: Folder) => Promise<void>;
  onClose: () => void;
  fallbackFocus?: () => HTMLElement | null;
}) {
  const folders = useFolders((s) => s.folders);
  const [filter, setFilter] = useState('');
  const [chosen, setChosen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const listId = useId();
  const optionId = (path: string) => `${listId}-${encodeURIComponent(path).replace(/%/g, '_')}`;

  const shown = useMemo(() => {
    const q = filter.trim().toLocaleLowerCase();
    // Filtering shows every folder whose path matches, flat; otherwise the tree.
    return q ? folders.filter((f) => f.path.toLocaleLowerCase().includes(q) || f.name.toLocaleLowerCase().includes(q)) : folders;
  }, [folders, filter]);
  const choosable = (f: Folder) => f.selectable && f.path !== exclude;
  const options = shown.filter(choosable);
  const active = options.find((f) => f.path === chosen) ?? null;

  async function confirm(folder: Folder | null) {
    if (!folder || busy) return;
    setBusy(true);
    setError(null);
    try {
      await onPick(folder);
      onClose();
    } catch (e) {
      setError(errorMessage(e, 'That did not work. Try again.'));
      setBusy(false);
    }
  }

  function onKeyDown(event: KeyboardEvent) {
    const index = active ? options.indexOf(active) : -1;
    const next: Record<string, Folder | undefined> = {
      ArrowDown: options[Math.min(index + 1, options.length - 1)],
      ArrowUp: options[Math.max(index - 1, 0)],
      Home: event.currentTarget.tagName === 'INPUT' ? undefined : options[0],
      End: event.currentTarget.tagName === 'INPUT' ? undefined : options[options.length - 1],
    };
    const target = next[event.key];
    if (!target) return;
    event.preventDefault();
    setChosen(target.path);
    document.getElementById(optionId(target.path))?.scrollIntoView({ block: 'nearest' });
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void confirm(active ?? (options.length === 1 ? options[0]! : null));
  }

  return (
    <ModalDialog title={title} onClose={onClose} className="picker-dialog" fallbackFocus={fallbackFocus}>
      <form onSubmit={onSubmit} aria-busy={busy}>
        <label htmlFor={`${listId}-filter`}>Filter folders</label>
        <input
          id={`${listId}-filter`}
          data-autofocus
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={onKeyDown}
          aria-controls={listId}
          aria-activedescendant={active ? optionId(active.path) : undefined}
          autoComplete="off"
        />
        <div
          id={listId}
          role="listbox"
          aria-label="Destination folders"
          tabIndex={0}
          className="picker-list"
          aria-activedescendant={active ? optionId(active.path) : undefined}
          onKeyDown={onKeyDown}
        >
          {shown.map((f) => (
            <div
              key={f.path}
              id={optionId(f.path)}
              role="option"
              aria-selected={f.path === active?.path}
              aria-disabled={!choosable(f) || undefined}
              className={`picker-option${f.path === active?.path ? ' selected' : ''}${choosable(f) ? '' : ' disabled'}`}
              style={{ paddingLeft: `${0.6 + (filter ? 0 : f.depth)}rem` }}
              onClick={() => choosable(f) && setChosen(f.path)}
              onDoubleClick={() => choosable(f) && void confirm(f)}
            >
              {filter ? f.path : f.name}
            </div>
          ))}
          {shown.length === 0 && <p className="muted">No folder matches.</p>}
        </div>
        {error && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <div className="dialog-buttons">
          <button type="submit" disabled={busy || !(active ?? (options.length === 1 ? options[0] : null))}>
            {confirmLabel}
          </button>
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
