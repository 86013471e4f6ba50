// Dragging messages onto a folder: the rows of the message list are the drag source, the folder
// tree's items the drop targets. The payload is our own MIME type, so text or files dropped from
// elsewhere are never mistaken for messages.

export const MESSAGE_DRAG_TYPE = 'application/x-sealpost-messages';

export interface MessageDragPayload {
  folder: string;
  uids: number[];
}

export function encodeMessageDrag(payload: MessageDragPayload): string {
  return JSON.stringify(payload);
}

/** The dragged messages, or null for anything that is not a well-formed message drag. */
export function decodeMessageDrag(data: string): MessageDragPayload | null {
  try {
    const v = JSON.parse(data) as unknown;
    if (typeof v !== 'object' || v === null) return null;
    const { folder, uids } = v as Record<string, unknown>;
    if (typeof folder !== 'string' || folder === '' || !Array.isArray(uids) || uids.length === 0) return null;
    if (!uids.every((u) => Number.isSafeInteger(u) && (u as number) > 0)) return null;
    return { folder, uids: uids as number[] };
  } catch {
    return null;
  }
}
