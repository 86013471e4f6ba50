import 'server-only';

// Where the certificate address book lives: one IMAP folder in the user's own mailbox, so the
// book follows the user to any browser without a database on our server (certificates are
// public). imapflow puts the personal namespace's prefix in front ("INBOX.Sealpost Certificates"
// on servers whose folders live under INBOX). The app's folder tree hides it.

export const CERTBOOK_FOLDER = 'Sealpost Certificates';

/** True for the book's folder as LIST names it: at the top level, or under INBOX (namespace prefix). */
export function isCertbookFolderPath(path: string, delimiter: string | null | undefined): boolean {
  if (path === CERTBOOK_FOLDER) return true;
  if (!delimiter) return false;
  const prefix = path.slice(0, path.length - CERTBOOK_FOLDER.length - delimiter.length);
  return path.endsWith(`${delimiter}${CERTBOOK_FOLDER}`) && prefix.toUpperCase() === 'INBOX';
}
