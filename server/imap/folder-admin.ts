import 'server-only';

import type { ImapFlow, ListResponse } from 'imapflow';

import { folderNameProblem, isWithin } from '@/lib/mail/folder-name';

import { AppError } from '../errors';
import { mapImapError } from './imap-errors';

// What creating, renaming and deleting folders share: finding a folder in LIST, telling which
// folders the user may not touch, and the server's refusals as coded errors.

/** The RFC 6154 attributes of folders that are never renamed or deleted (with INBOX). */
const PROTECTED_USES = new Set(['\\inbox', '\\drafts', '\\sent', '\\archive', '\\junk', '\\trash']);

export function isProtectedFolder(m: Pick<ListResponse, 'path' | 'specialUse'>): boolean {
  return m.path.toUpperCase() === 'INBOX' || PROTECTED_USES.has((m.specialUse ?? '').toLowerCase());
}

/** The listed folder at `path`, or 'folder-not-found'. */
export function findFolder(listed: ListResponse[], path: string): ListResponse {
  const found = listed.find((m) => m.path === path && !m.flags?.has('\\NonExistent'));
  if (!found) throw new AppError('folder-not-found', `no folder ${JSON.stringify(path)}`);
  return found;
}

/** The folder and all its subfolders, deepest first (the order DELETE needs). */
export function subtree(listed: ListResponse[], folder: ListResponse): ListResponse[] {
  const delimiter = folder.delimiter ?? '';
  return listed
    .filter((m) => isWithin(m.path, folder.path, delimiter) && !m.flags?.has('\\NonExistent'))
    .sort((a, b) => b.path.length - a.path.length);
}

/** Refuses INBOX, the special-use folders, and folders that hold one (RENAME and DELETE take the subfolders along). */
export function assertChangeable(listed: ListResponse[], folder: ListResponse): void {
  if (subtree(listed, folder).some(isProtectedFolder)) {
    throw new AppError('folder-protected', `${JSON.stringify(folder.path)} is or holds a special folder`);
  }
}

/** The server's delimiter for new folders at the top level (NAMESPACE, else the first LIST entry). */
export function topLevelDelimiter(client: ImapFlow, listed: ListResponse[]): string {
  return client.namespace?.delimiter ?? listed[0]?.delimiter ?? '';
}

/** Checks a new folder name; the browser checked it too, this is the check that counts. */
export function assertValidName(name: string, delimiter: string): void {
  const problem = folderNameProblem(name, delimiter);
  if (problem) throw new AppError('invalid-folder-name', problem);
}

/** The server's response code on a tagged NO (RFC 5530), upper case, or ''. */
export function responseCode(err: unknown): string {
  const code = (err as { serverResponseCode?: unknown } | null)?.serverResponseCode;
  return typeof code === 'string' ? code.toUpperCase() : '';
}

/** CREATE/RENAME/DELETE refusals as coded errors: exists, not allowed as a name, gone. */
export function mapFolderCommandError(err: unknown): AppError {
  switch (responseCode(err)) {
    case 'ALREADYEXISTS':
      return new AppError('folder-exists', String((err as Error).message));
    case 'CANNOT':
      return new AppError('invalid-folder-name', String((err as Error).message));
    case 'NONEXISTENT':
      return new AppError('folder-not-found', String((err as Error).message));
    default:
      return mapImapError(err);
  }
}
