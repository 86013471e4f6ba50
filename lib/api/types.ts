// Wire shapes of the app's HTTP API, shared by the route handlers and the browser.

/** Every error the API answers with; the browser shows `message`, tests match `code`. */
export type ApiErrorCode =
  | 'bad-request'
  | 'not-signed-in'
  | 'auth-failed'
  | 'too-many-attempts'
  | 'imap-unavailable'
  | 'folder-not-found'
  | 'message-too-large'
  | 'message-bad-line-ends'
  | 'smtp-unavailable'
  | 'smtp-auth-failed'
  | 'smtp-rejected'
  | 'message-not-found'
  | 'directory-unavailable'
  | 'folder-exists'
  | 'folder-protected'
  | 'invalid-folder-name'
  | 'folder-not-empty'
  | 'folder-changed'
  | 'internal'
  | 'no-drafts-folder'
  | 'pki-fetch-refused'
  | 'pki-fetch-failed'
  | 'pki-fetch-too-large'
  | 'pki-fetch-timeout'
  | 'pki-fetch-rate-limited'
  | 'certbook-full'
  | 'certbook-entry-too-large';

export interface ApiError {
  /** `requestId` comes only with 'internal': it names the server log entry for a support call. */
  error: {
    code: ApiErrorCode;
    message: string;
    requestId?: string;
    /** Only with 'smtp-rejected': the recipients the server refused (the message went to nobody). */
    rejectedRecipients?: string[];
  };
}

export interface SessionInfo {
  username: string;
  email: string;
}

/** POST /api/send: the message was submitted; `savedToSent` false means the copy in Sent failed. */
export interface SendResult {
  sent: true;
  savedToSent: boolean;
  /** The Sent folder's path, null when the account has none. */
  sentFolder: string | null;
}

export type SpecialUse = 'inbox' | 'drafts' | 'sent' | 'archive' | 'junk' | 'trash';

export interface Folder {
  /** Full IMAP path (Unicode); the key for every other call. */
  path: string;
  /** Display name: the last path segment ("Inbox" for INBOX). */
  name: string;
  /** Hierarchy delimiter, '' when the server has none. */
  delimiter: string;
  specialUse: SpecialUse | null;
  /** False for \\Noselect containers, which hold folders but no messages. */
  selectable: boolean;
  unread: number;
  total: number;
  /** Nesting depth in the folder tree (0 for top level); the list is in tree order. */
  depth: number;
}

export interface MailAddress {
  name: string;
  address: string;
}

export interface MessageSummary {
  uid: number;
  from: MailAddress | null;
  to: MailAddress[];
  subject: string;
  /** ISO 8601: the Date header, else the arrival time. */
  date: string;
  size: number;
  seen: boolean;
  flagged: boolean;
  hasAttachment: boolean;
  /** S/MIME from the top-level Content-Type alone (server/imap/messages.ts): nothing is decrypted for the list. Absent from older rows. */
  security?: 'signed' | 'encrypted' | null;
  /** In the conversation view: the thread this row stands for (the row is its newest message). */
  thread?: ThreadSummary;
}

/** A conversation as one list row (GET /api/messages with threads=1). */
export interface ThreadSummary {
  /** Messages in the thread (in the view: matching the search). */
  count: number;
  /** Unread ones among the first MAX_THREAD_ROW_UIDS. */
  unread: number;
  /** The thread's UIDs, newest first, at most MAX_THREAD_ROW_UIDS (1,000). */
  uids: number[];
}

export interface MessagePage {
  folder: string;
  total: number;
  offset: number;
  messages: MessageSummary[];
}

/** POST /api/messages/flags: set or clear \Seen and \Flagged on messages (one STORE each). */
export interface FlagsUpdate {
  folder: string;
  uids: number[];
  seen?: boolean;
  flagged?: boolean;
}

export type MoveTarget = { path: string } | { specialUse: Exclude<SpecialUse, 'inbox'> };

/** POST /api/messages/move: where the messages went and their new UIDs (for undo). */
export interface MoveResult {
  destination: string;
  uidMap: [number, number][];
}

/** Where an address suggestion came from: the user's own recent mail, or the LDAP directory. */
export type ContactSource = 'recent' | 'directory';

export interface ContactSuggestion {
  name: string;
  address: string;
  source: ContactSource;
}

/**
 * GET /api/contacts?q=: suggestions for what is being typed, recent correspondents first.
 * `directoryAvailable` false means the directory could not be searched (only recent ones came).
 */
export interface ContactSuggestions {
  query: string;
  suggestions: ContactSuggestion[];
  directoryAvailable: boolean;
}

/** POST /api/messages/copy: the copies' folder and their UIDs there (where the server says, UIDPLUS). */
export interface CopyResult {
  destination: string;
  uidMap: [number, number][];
}

/** POST/PATCH /api/folders: the created or renamed folder's full path. */
export interface FolderPathResult {
  path: string;
}

/** DELETE /api/folders: the folders removed (subfolders first, then the folder). */
export interface FolderDeleteResult {
  deleted: string[];
}

/**
 * GET /api/folders/status: what a folder holds now. Emptying it later removes exactly the
 * messages below `uidNext` (RFC 3501 section 2.3.1.1: later arrivals get higher UIDs).
 */
export interface FolderSnapshot {
  folder: string;
  total: number;
  uidValidity: number;
  uidNext: number;
}

/** POST /api/folders/empty: how many messages were deleted for good. */
export interface EmptyFolderResult {
  deleted: number;
}

/**
 * One node of a message's MIME tree, from IMAP BODYSTRUCTURE (RFC 3501 section 7.4.2; the server
 * computes it, nothing is downloaded). Strings are as the server reported them, clipped.
 */
export interface MessagePart {
  /** IMAP part number for BODY[<part>] ("1", "2.1"); "" for a multipart root, "1" for a single-part message. */
  part: string;
  /** Lower-case "type/subtype". */
  type: string;
  /** Content-Type parameters, names lower-case (charset, name, boundary…). */
  parameters: Record<string, string>;
  /** Content-Transfer-Encoding, lower-case ("base64", "quoted-printable", "7bit"…), null when absent. */
  encoding: string | null;
  /** Size of the part's body as transferred (still encoded), in bytes. */
  size: number;
  /** Content-ID without angle brackets. */
  id: string | null;
  /** Content-Disposition, lower-case ("inline", "attachment"), null when absent. */
  disposition: string | null;
  dispositionParameters: Record<string, string>;
  /** Only for multipart/*: the child parts. message/rfc822 parts are leaves here. */
  children?: MessagePart[];
}

/** GET /api/messages/structure */
export interface MessageStructure {
  uid: number;
  /** RFC822.SIZE of the whole message. */
  size: number;
  root: MessagePart;
  /** True when the tree was cut at the depth or part-count limit. */
  truncated: boolean;
}

/** Message list order (issue 3): IMAP SORT keys (RFC 5256) the list offers. */
export type MessageSortKey = 'date' | 'from' | 'subject' | 'size';

/** Search criteria of the message list; each present field narrows the list (IMAP SEARCH). */
export interface MessageSearch {
  /** From, To, Subject or body contains it. */
  text?: string;
  from?: string;
  to?: string;
  subject?: string;
  body?: string;
  /** YYYY-MM-DD, by the Date header: on or after `since`, on or before `until`. */
  since?: string;
  until?: string;
  unread?: boolean;
  flagged?: boolean;
  /** Approximated as a multipart/mixed message: IMAP has no attachment criterion. */
  hasAttachment?: boolean;
}

/** One view of a folder: its order and optional search. */
export interface MessageListQuery {
  sort: MessageSortKey;
  descending: boolean;
  search: MessageSearch | null;
  /** Conversation view: one row per thread (IMAP THREAD REFERENCES). */
  threads?: boolean;
}

/** GET /api/messages (windowed form): rows by position in the view's order. */
export interface MessageWindow extends MessagePage {
  /** Changes whenever the server rebuilt the view's order: cached positions are then void. */
  version: number;
  /** True when the server lacks SORT and the rows are in arrival order instead. */
  sortFallback: boolean;
  /** The server has THREAD=REFERENCES, so the conversation view can be offered. */
  canThread?: boolean;
  /**
   * Present when threads were asked for: 'on' (rows are threads), 'unsupported' (no THREAD on the
   * server), 'unreadable' (the server's THREAD answer could not be read) or 'too-large' (a folder
   * over 300,000 messages): rows are messages then.
   */
  threading?: 'on' | 'unsupported' | 'unreadable' | 'too-large';
}

/** GET /api/messages/summaries: list rows of some messages, by UID (a thread's messages). */
export interface MessageSummaries {
  folder: string;
  messages: MessageSummary[];
}

/** POST /api/drafts: where the draft was stored; `uid` null when the server does not say (no UIDPLUS). */
export interface SavedDraft {
  folder: string;
  uid: number | null;
}

/** POST /api/pki/fetch: a CRL, OCSP or AIA request the server relays; the answer is the raw bytes. */
export interface PkiRelayRequest {
  url: string;
  method: 'GET' | 'POST';
  /** Base64 request body (an OCSP request), POST only. */
  body?: string;
  contentType?: string;
}

/** One address's certificates from the directory, as relayed: base64 of unparsed bytes. */
export interface DirectoryCertificateResult {
  email: string;
  /** DER certificates (userCertificate;binary). */
  certificates: string[];
  /** PKCS#7 certs-only bundles (userSMIMECertificate). */
  smimeBundles: string[];
}

/** POST /api/certificates/directory: one result per address asked, in that order. */
export interface DirectoryCertificatesAnswer {
  results: DirectoryCertificateResult[];
}

/** One entry of the certificate address book as the server stores it: opaque text under its fingerprint. */
export interface StoredCertbookEntry {
  /** Lower-case hex SHA-256 of the entry's certificate (the browser checks it). */
  fingerprint: string;
  /** The browser's entry (lib/certbook), never interpreted by the server. */
  entry: string;
}

/** GET /api/certificates/book: the entries, and how many stored messages were not readable entries. */
export interface CertbookListing {
  entries: StoredCertbookEntry[];
  skipped: number;
}

/**
 * GET /api/security: the administrator's S/MIME policy and the organisation's trust anchors
 * (DER certificates as base64). The browser parses and checks both; see lib/policy and lib/trust.
 */
export interface SecurityConfigAnswer {
  policy: import('../policy/security-policy').SecurityPolicy;
  organisationAnchors: string[];
}

/**
 * One separate copy of a protected send (a Bcc recipient's own envelope, an explicit
 * unencrypted copy): submitted to its own recipients only, not stored in Sent.
 */
export interface SeparateSubmissionOutcome {
  to: string[];
  sent: boolean;
  /** Why this copy was not sent (the main message and the other copies may have been). */
  error?: { code: ApiErrorCode | 'network'; message: string };
}

/** A protected send (lib/api/send-protected.ts): each copy's outcome in the order given. A refused copy never hides behind a sent main message. */
export interface ProtectedSendResult extends SendResult {
  separate: SeparateSubmissionOutcome[];
}

/** POST /api/sent: a copy stored in Sent without sending it. */
export interface StoredSentCopy {
  savedToSent: boolean;
  sentFolder: string | null;
}
