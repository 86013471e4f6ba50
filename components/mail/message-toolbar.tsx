'use client';

import { useState } from 'react';

import { errorMessage } from '@/lib/api/client';
import { useMessageActions, useMessageList } from '@/stores/mail-stores-provider';

import { FolderPickerDialog } from './folder-picker-dialog';
import { ComposeActions } from '../compose/compose-actions';

/** Actions on the open message. Errors are shown, and the message stays where it was. */
export function MessageToolbar() {
  const actions = useMessageActions();
  const flagged = useMessageList((s) => (s.selectedUid !== null ? (s.findMessage(s.selectedUid)?.flagged ?? false) : false));
  const [error, setError] = useState<string | null>(null);
  const [picker, setPicker] = useState<'move' | 'copy' | null>(null);
  const folder = useMessageList((s) => s.folder);
  const selectedUid = useMessageList((s) => s.selectedUid);
  const actionUids = useMessageList((s) => s.actionUids);

  const run = (action: () => Promise<void>) => async () => {
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorMessage(e, 'That did not work. Try again.'));
    }
  };

  return (
    <>
      <div role="toolbar" aria-label="Message actions" className="message-toolbar">
        <ComposeActions />
        <button type="button" onClick={run(() => actions.move({ specialUse: 'trash' }, 'Moved to Trash.'))}>
          Delete
        </button>
        <button type="button" onClick={run(() => actions.move({ specialUse: 'archive' }, 'Moved to Archive.'))}>
          Archive
        </button>
        <button type="button" aria-pressed={flagged} onClick={run(actions.toggleFlag)}>
          {flagged ? 'Unflag' : 'Flag'}
        </button>
        <button type="button" onClick={run(actions.markUnread)}>
          Mark as unread
        </button>
        <button type="button" aria-haspopup="dialog" onClick={() => setPicker('move')}>
          Move to…
        </button>
        <button type="button" aria-haspopup="dialog" onClick={() => setPicker('copy')}>
          Copy to…
        </button>
      </div>
      {picker && folder && selectedUid !== null && (
        <FolderPickerDialog
          title={picker === 'move' ? 'Move to folder' : 'Copy to folder'}
          confirmLabel={picker === 'move' ? 'Move' : 'Copy'}
          exclude={folder}
          onClose={() => setPicker(null)}
          fallbackFocus={() => document.querySelector<HTMLElement>('[aria-label="Messages"][role="listbox"], [aria-label="Messages"][role="tree"]')}
          onPick={(to) =>
            picker === 'move'
              ? actions.moveMessages(folder, actionUids(), { path: to.path }, `Moved to ${to.name}.`)
              : actions.copyMessages(folder, actionUids(), to.path, `Copied to ${to.name}.`)
          }
        />
      )}
      {error && (
        <p role="alert" className="pane-error">
          {error}
        </p>
      )}
    </>
  );
}

/** "Moved to Trash. Undo" after a move, until the next one. */
export function UndoBar() {
  const actions = useMessageActions();
  const lastMove = useMessageList((s) => s.lastMove);
  const [error, setError] = useState<string | null>(null);
  if (!lastMove && !error) return null;
  return (
    <div role="status" className="undo-bar">
      {error ?? lastMove?.label}{' '}
      {lastMove && (
        <button
          type="button"
          onClick={async () => {
            setError(null);
            try {
              await actions.undo();
            } catch (e) {
              setError(errorMessage(e, 'The move could not be undone.'));
            }
          }}
        >
          Undo
        </button>
      )}
    </div>
  );
}
