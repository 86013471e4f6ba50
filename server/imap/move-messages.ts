import 'server-only';

import type { SpecialUse } from '@/lib/api/types';

import { AppError } from '../errors';
import type { Session } from '../session/session-store';
import { openFolder } from './open-folder';
import { withSessionImap } from './session-imap';

/** The most messages one request may move (the UI sends a selection, never a whole folder). */
export const MAX_MOVE = 1000;

export interface MoveResult {
  destination: string;
  /** [uid in the source folder, uid in the destination] where the server says (UIDPLUS). */
  uidMap: [number, number][];
}

const FLAG: Record<Exclude<SpecialUse, 'inbox'>, string> = {
  drafts: '\\Drafts',
  sent: '\\Sent',
  archive: '\\Archive',
  junk: '\\Junk',
  trash: '\\Trash',
};

/**
 * Moves messages to another folder, named by path or by special use ("trash" for Delete).
 * MOVE (RFC 6851) where the server has it; imapflow falls back to COPY + EXPUNGE.
 */
export async function moveMessages(
  session: Session,
  folder: string,
  uids: number[],
  to: { path: string } | { specialUse: Exclude<SpecialUse, 'inbox'> },
): Promise<MoveResult> {
  return withSessionImap(session, async (client) => {
    let destination: string;
    if ('path' in to) destination = to.path;
    else {
      const found = (await client.list()).find((m) => m.specialUse === FLAG[to.specialUse]);
      if (!found) throw new AppError('folder-not-found', `no ${to.specialUse} folder`);
      destination = found.path;
    }
    if (destination === folder) throw new AppError('bad-request', 'source and destination are the same folder');
    const lock = await openFolder(client, folder, { readOnly: false });
    try {
      const result = await client.messageMove(uids.join(','), destination, { uid: true });
      if (!result) throw new AppError('folder-not-found', `MOVE to ${JSON.stringify(destination)} refused`);
      return { destination: result.destination, uidMap: [...(result.uidMap ?? new Map<number, number>())] };
    } finally {
      lock.release();
    }
  });
}
