'use client';

import { type DragEvent, useState } from 'react';

import { errorMessage } from '@/lib/api/client';
import type { Folder } from '@/lib/api/types';
import { useMessageActions, useMessageList, useNotice } from '@/stores/mail-stores-provider';

import { MESSAGE_DRAG_TYPE, decodeMessageDrag } from './message-drag';

/** Whether messages from `from` may be dropped on `folder`: a folder that holds messages, not their own. */
export function canDropOn(folder: Pick<Folder, 'path' | 'selectable'>, from: string | null): boolean {
  return folder.selectable && folder.path !== from;
}

/**
 * Folder tree items as drop targets for dragged messages (components/mail/message-drag.ts):
 * a drop moves them (with undo), Ctrl held copies. Other drags (text, files) are ignored.
 */
export function useFolderDrop() {
  const [target, setTarget] = useState<string | null>(null);
  const openFolder = useMessageList((s) => s.folder);
  const actions = useMessageActions();
  const showNotice = useNotice((s) => s.show);

  const isMessageDrag = (event: DragEvent) => event.dataTransfer.types.includes(MESSAGE_DRAG_TYPE);

  function handlers(folder: Folder) {
    return {
      onDragOver(event: DragEvent<HTMLElement>) {
        // The payload is unreadable until the drop; the rows come from the open folder.
        if (!isMessageDrag(event) || !canDropOn(folder, openFolder)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = event.ctrlKey ? 'copy' : 'move';
        if (target !== folder.path) setTarget(folder.path);
      },
      onDragLeave(event: DragEvent<HTMLElement>) {
        if (event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget)) return;
        setTarget((t) => (t === folder.path ? null : t));
      },
      onDrop(event: DragEvent<HTMLElement>) {
        setTarget(null);
        if (!isMessageDrag(event)) return;
        event.preventDefault();
        const payload = decodeMessageDrag(event.dataTransfer.getData(MESSAGE_DRAG_TYPE));
        if (!payload || !canDropOn(folder, payload.folder)) return;
        const n = payload.uids.length;
        const what = n === 1 ? 'the message' : `${n} messages`;
        const work = event.ctrlKey
          ? actions.copyMessages(payload.folder, payload.uids, folder.path, `Copied ${what} to ${folder.name}.`)
          : actions.moveMessages(payload.folder, payload.uids, { path: folder.path }, `Moved ${what} to ${folder.name}.`);
        work.catch((e: unknown) => showNotice(errorMessage(e, `${n === 1 ? 'The message' : 'The messages'} could not be ${event.ctrlKey ? 'copied' : 'moved'}.`), 'error'));
      },
    };
  }

  return { dropTarget: target, dropHandlers: handlers };
}
