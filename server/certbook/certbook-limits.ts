import 'server-only';

// Bounds of the certificate address book on the server: the book is a folder the user (or any
// other mail client) can also write to, so every read is bounded as well as every write.

/** Most entries a book holds; adding a new fingerprint beyond it is 'certbook-full'. */
export const MAX_CERTBOOK_ENTRIES = 2000;
/** Largest entry (UTF-8 bytes of the browser's JSON); a certificate entry is 2-4 kB. */
export const MAX_CERTBOOK_ENTRY_BYTES = 64 * 1024;
/** Largest stored message read back: an entry in base64 lines plus our header. */
export const MAX_CERTBOOK_MESSAGE_BYTES = Math.ceil((MAX_CERTBOOK_ENTRY_BYTES * 4) / 3) + 4096;
/** Most messages of the folder looked at when listing (newest first): duplicates and strays included. */
export const MAX_CERTBOOK_MESSAGES_SCANNED = 2 * MAX_CERTBOOK_ENTRIES;
/** Most bytes of entries one listing answers with; adding beyond it is 'certbook-full'. */
export const MAX_CERTBOOK_TOTAL_BYTES = 16 * 1024 * 1024;

/** An entry's label: the lower-case hex SHA-256 of its certificate (the browser checks it). */
export const CERTBOOK_FINGERPRINT = /^[0-9a-f]{64}$/;
