import { NextResponse } from 'next/server';
import { z } from 'zod';

import { handle, parseOrThrow, readJsonBody } from '@/server/http';
import { createFolder } from '@/server/imap/create-folder';
import { deleteFolder } from '@/server/imap/delete-folder';
import { listFolders } from '@/server/imap/folders';
import { renameFolder } from '@/server/imap/rename-folder';
import { requireSession } from '@/server/session/sessions';
import { folderPath } from '@/server/request-schemas';

// The name's own rules (delimiter, wildcards, length) are checked where the delimiter is known.
const folderName = z.string().max(1000);

const CreateBody = z.object({ parent: folderPath.nullable(), name: folderName }).strict();
const RenameBody = z.object({ path: folderPath, name: folderName }).strict();
const DeleteBody = z.object({ path: folderPath, messages: z.number().int().min(0).max(1e9).default(0) }).strict();

/** The folder tree in display order with unread counts: 200 { folders: Folder[] }. */
export async function GET() {
  return handle(async () => ({ folders: await listFolders(await requireSession()) }));
}

/** Creates a folder: 201 { path }. */
export async function POST(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const body = parseOrThrow(CreateBody, await readJsonBody(request));
    return NextResponse.json(await createFolder(session, body.parent, body.name), { status: 201 });
  });
}

/** Renames a folder in place (subfolders move along): 200 { path }. */
export async function PATCH(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const body = parseOrThrow(RenameBody, await readJsonBody(request));
    return renameFolder(session, body.path, body.name);
  });
}

/** Deletes a folder, its subfolders and their messages (at most `messages` of them): 200 { deleted }. */
export async function DELETE(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const body = parseOrThrow(DeleteBody, await readJsonBody(request));
    return deleteFolder(session, body.path, body.messages);
  });
}
