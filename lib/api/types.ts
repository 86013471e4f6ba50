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
  | 'internal'
  | 'no-drafts-folder';

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
}

export interface MessagePage {
  folder: string;
  total: number;
  offset: number;
  messages: MessageSummary[];
}

/** POST /api/messages/flags: set or clear \Seen and \Flagged on one message. */
export interface FlagsUpdate {
  folder: string;
  uid: number;
  seen?: boolean;
  flagged?: boolean;
}

export type MoveTarget = { path: string } | { specialUse: Exclude<SpecialUse, 'inbox'> };

/** POST /api/messages/move: where the messages went and their new UIDs (for undo). */
export interface MoveResult {
  destination: string;
  uidMap: [number, number][];
}

/** POST /api/drafts: where the draft was stored; `uid` null when the server does not say (no UIDPLUS). */
export interface SavedDraft {
  folder: string;
  uid: number | null;
}
