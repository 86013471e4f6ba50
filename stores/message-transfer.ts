import { api } from '@/lib/api/client';
import type { MoveTarget } from '@/lib/api/types';

import type { FoldersStore } from './folders-store';
import type { MessageListStore } from './message-list-store';
import type { NoticeStore } from './notice-store';

// Moving and copying a list of messages (the selection, or rows dragged onto a folder). The
// server acts first; the lists change after it agreed.

export interface TransferStores {
  messageList: MessageListStore;
  folders: FoldersStore;
  notice: NoticeStore;
}

type TransferApi = Pick<typeof api, 'move' | 'copy'>;

/** Moves messages of `folder` with one-step undo (the list's lastMove). */
export async function moveMessages(
  { messageList, folders, notice }: TransferStores,
  folder: string,
  uids: number[],
  to: MoveTarget,
  label: string,
  transferApi: TransferApi = api,
): Promise<void> {
  if (uids.length === 0) return;
  const result = await transferApi.move(folder, uids, to);
  if (messageList.getState().folder === folder) messageList.getState().removeMessages(uids);
  messageList.getState().setLastMove({ label, from: folder, destination: result.destination, uidMap: result.uidMap });
  notice.getState().clear();
  void folders.getState().load();
}

/** Copies messages of `folder` to `to`; the originals stay, the counts in the tree update. */
export async function copyMessages(
  { folders, notice }: TransferStores,
  folder: string,
  uids: number[],
  to: string,
  label: string,
  transferApi: TransferApi = api,
): Promise<void> {
  if (uids.length === 0) return;
  await transferApi.copy(folder, uids, to);
  notice.getState().show(label);
  void folders.getState().load();
}
