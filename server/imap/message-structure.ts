import 'server-only';

import type { MessageStructureObject } from 'imapflow';

import type { MessagePart, MessageStructure } from '@/lib/api/types';

import { AppError } from '../errors';
import type { Session } from '../session/session-store';
import { MAX_STRUCTURE_DEPTH } from './messages';
import { fetchOneFresh } from './fetch-one-fresh';
import { openFolder } from './open-folder';
import { withSessionImap } from './session-imap';

/** Most parts described for one message; a hostile message may have thousands. */
export const MAX_STRUCTURE_PARTS = 200;
/** Most parameters kept per Content-Type or Content-Disposition. */
export const MAX_PART_PARAMETERS = 16;
/** Longest parameter name, value, type or Content-ID kept. */
export const MAX_PART_STRING = 1024;

const clip = (s: string | undefined) => (s ?? '').slice(0, MAX_PART_STRING);

function params(p: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(p ?? {}).slice(0, MAX_PART_PARAMETERS)) out[clip(k).toLowerCase()] = clip(String(v));
  return out;
}

/**
 * imapflow's BODYSTRUCTURE tree as our wire type, bounded in depth and count. Children beyond
 * either limit are dropped and `truncated` set, so the browser can say the message is incomplete.
 */
export function toMessageStructure(uid: number, size: number, node: MessageStructureObject): MessageStructure {
  let count = 0;
  let truncated = false;
  const walk = (n: MessageStructureObject, depth: number, isRoot: boolean): MessagePart => {
    count++;
    const type = clip(n.type).toLowerCase() || 'text/plain';
    const multipart = type.startsWith('multipart/');
    const part: MessagePart = {
      // RFC 3501 6.4.5: a single-part message has only part 1; a multipart root has no number.
      part: n.part ?? (isRoot && !multipart ? '1' : ''),
      type,
      parameters: params(n.parameters),
      encoding: n.encoding ? clip(n.encoding).toLowerCase() : null,
      size: Number.isSafeInteger(n.size) && n.size! >= 0 ? n.size! : 0,
      id: n.id ? clip(n.id).replace(/^<|>$/g, '') : null,
      disposition: n.disposition ? clip(n.disposition).toLowerCase() : null,
      dispositionParameters: params(n.dispositionParameters),
    };
    if (multipart) {
      part.children = [];
      for (const child of n.childNodes ?? []) {
        if (depth + 1 > MAX_STRUCTURE_DEPTH || count >= MAX_STRUCTURE_PARTS) {
          truncated = true;
          break;
        }
        part.children.push(walk(child, depth + 1, false));
      }
    }
    return part;
  };
  return { uid, size, root: walk(node, 0, true), truncated };
}

/** The message's BODYSTRUCTURE and size (no body bytes are fetched). */
export async function fetchMessageStructure(session: Session, folder: string, uid: number): Promise<MessageStructure> {
  return withSessionImap(session, async (client) => {
    const lock = await openFolder(client, folder, { readOnly: true });
    try {
      const m = await fetchOneFresh(client, uid, { uid: true, size: true, bodyStructure: true });
      if (!m) throw new AppError('message-not-found', `UID ${uid} in ${JSON.stringify(folder)}`);
      // A server may answer BODYSTRUCTURE NIL for a message it cannot parse: call it plain text.
      return toMessageStructure(m.uid, m.size ?? 0, m.bodyStructure ?? { type: 'text/plain' });
    } finally {
      lock.release();
    }
  });
}
