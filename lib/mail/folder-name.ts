// Folder names as the user types them, checked the same way in the browser (for a precise
// message) and on the server (which never trusts the browser). A name is one level: the full
// IMAP path is the parent's path, the hierarchy delimiter, and the name.

/** Longest folder name accepted (one level, in characters); servers cap whole paths too. */
export const MAX_FOLDER_NAME_CHARS = 100;

/** What is wrong with a name, in words the user can act on; null when it is acceptable. */
export function folderNameProblem(raw: string, delimiter: string): string | null {
  const name = raw.trim();
  if (name === '') return 'Enter a folder name.';
  if ([...name].length > MAX_FOLDER_NAME_CHARS) return `Folder names can have at most ${MAX_FOLDER_NAME_CHARS} characters.`;
  if (delimiter && name.includes(delimiter)) return `Folder names cannot contain "${delimiter}": it separates folders from subfolders.`;
  // LIST wildcards (RFC 3501 section 5.1): legal in names, but other clients list them badly.
  if (/[*%]/.test(name)) return 'Folder names cannot contain * or %.';
  if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(name)) return 'Folder names cannot contain control or formatting characters.';
  return null;
}

/** The full path of a folder named `name` inside `parent` (null: top level). */
export function childPath(parent: string | null, name: string, delimiter: string): string {
  return parent ? `${parent}${delimiter}${name.trim()}` : name.trim();
}

/** The parent's path, or null at the top level. */
export function parentPath(path: string, delimiter: string): string | null {
  const cut = delimiter ? path.lastIndexOf(delimiter) : -1;
  return cut > 0 ? path.slice(0, cut) : null;
}

/** True when `path` is `folder` itself or one of its subfolders, at any depth. */
export function isWithin(path: string, folder: string, delimiter: string): boolean {
  return path === folder || (delimiter !== '' && path.startsWith(folder + delimiter));
}

/** Where `path` ends up after `from` was renamed to `to` (subfolders move along); unchanged if outside. */
export function pathAfterRename(path: string, from: string, to: string, delimiter: string): string {
  return isWithin(path, from, delimiter) ? to + path.slice(from.length) : path;
}
