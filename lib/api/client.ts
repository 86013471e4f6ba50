// The browser's typed access to the app's API. Errors arrive as ApiRequestError with the
// server's code and its user-safe message.
import { bytesToBase64, readCapped } from '../bytes';
import { base64Bytes } from '../mail/base64-bytes';

import { listQueryParams } from '../mail/list-query';

import { BACKGROUND_HEADER } from './background';
import { decodeDirectoryAnswer } from './directory-answer';

import type {
  ApiError,
  CertbookListing,
  ContactSuggestions,
  CopyResult,
  DirectoryCertificatesAnswer,
  EmptyFolderResult,
  FlagsUpdate,
  Folder,
  FolderDeleteResult,
  FolderPathResult,
  FolderSnapshot,
  MessageListQuery,
  MessageStructure,
  MessageSummaries,
  MessageWindow,
  MoveResult,
  MoveTarget,
  PkiRelayRequest,
  SavedDraft,
  SecurityConfigAnswer,
  SendResult,
  SessionInfo,
  StoredSentCopy,
} from './types';
import { ApiRequestError, toApiRequestError } from './request-error';
import { type SendTransport, type UploadProgress, sendProtected } from './send-protected';

export { ApiRequestError, errorMessage, toApiRequestError } from './request-error';

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await send(path, init);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** The raw bytes of a successful answer (message sources), errors as for JSON calls. */
async function requestBytes(path: string): Promise<Uint8Array> {
  const res = await send(path, { headers: { Accept: 'application/octet-stream' } });
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * As requestBytes for a POST with a JSON body, reading no more than `maxBytes` of the answer
 * (a relayed CRL could be anything the remote server sent).
 */
async function postForCappedBytes(path: string, body: unknown, maxBytes: number): Promise<Uint8Array> {
  const res = await send(path, { method: 'POST', body: JSON.stringify(body), headers: { Accept: 'application/octet-stream' } });
  const tooLarge = () => new ApiRequestError('pki-fetch-too-large', `The answer was larger than ${maxBytes} bytes.`, res.status);
  if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
    await res.body?.cancel();
    throw tooLarge();
  }
  if (!res.body) return new Uint8Array(0);
  const bytes = await readCapped(res.body, maxBytes);
  if (!bytes) throw tooLarge();
  return bytes;
}

async function send(path: string, init?: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      ...init,
      headers: { Accept: 'application/json', ...(init?.body ? { 'Content-Type': 'application/json' } : {}), ...init?.headers },
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiRequestError('network', 'Sealpost cannot be reached. Check your connection.', 0);
  }
  if (res.ok) return res;
  throw toApiRequestError(res.status, await res.json().catch(() => null));
}

/**
 * `{ ...fields, "raw": "<base64>" }` as a Blob, the base64 written as bytes: a message with
 * large attachments never becomes one huge string (which blocked the page for seconds).
 */
function rawMessageJson(raw: Uint8Array, fields: Record<string, unknown>): Blob {
  const head = JSON.stringify(fields).slice(0, -1);
  return new Blob([`${head}${head.length > 1 ? ',' : ''}"raw":"`, base64Bytes(raw) as Uint8Array<ArrayBuffer>, '"}'], { type: 'application/json' });
}

export type { UploadProgress } from './send-protected';

/**
 * A JSON POST through XMLHttpRequest, whose upload events fetch() does not offer, with the
 * same error mapping as request().
 */
function postWithProgress<T>(path: string, body: Blob, onProgress: UploadProgress): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.responseType = 'text';
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : body.size);
    xhr.onerror = () => reject(new ApiRequestError('network', 'Sealpost cannot be reached. Check your connection.', 0));
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        // A non-JSON error page: mapped as an unknown failure below.
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(parsed as T);
      // A proxy in front of the app (nginx's client_max_body_size) answers 413 without our JSON.
      else if (xhr.status === 413 && !(parsed as ApiError | null)?.error) reject(new ApiRequestError('message-too-large', 'The message is too large to send.', 413));
      else reject(toApiRequestError(xhr.status, parsed));
    };
    xhr.send(body);
  });
}

/** Request options for reads the page makes by itself (see ./background.ts). */
const backgroundInit = (background?: boolean): RequestInit | undefined => (background ? { headers: { [BACKGROUND_HEADER]: '1' } } : undefined);

export const api = {
  login: (username: string, password: string) =>
    request<SessionInfo>('/api/session', { method: 'POST', body: JSON.stringify({ username, password }) }),
  logout: () => request<void>('/api/session', { method: 'DELETE' }),
  folders: ({ background }: { background?: boolean } = {}) => request<{ folders: Folder[] }>('/api/folders', backgroundInit(background)),
  /** Folder paths hold "/" and any Unicode: they travel URL-encoded in the query. */
  /** Rows offset.. of a folder view (order + search); `refresh` makes the server re-read the folder. */
  messageWindow: (
    folder: string,
    offset: number,
    limit: number,
    query: MessageListQuery,
    opts: { refresh?: boolean; signal?: AbortSignal; background?: boolean } = {},
  ) =>
    request<MessageWindow>(
      `/api/messages?${new URLSearchParams({ folder, offset: String(offset), limit: String(limit), ...listQueryParams(query), ...(opts.refresh ? { refresh: '1' } : {}) })}`,
      { ...backgroundInit(opts.background), signal: opts.signal },
    ),
  /** List rows of some messages by UID (an expanded conversation's messages). */
  messageSummaries: (folder: string, uids: number[], opts: { signal?: AbortSignal } = {}) =>
    request<MessageSummaries>(`/api/messages/summaries?${new URLSearchParams({ folder, uids: uids.join(',') })}`, { signal: opts.signal }),
  /** The message's exact RFC 5322 bytes: MIME and S/MIME are handled in the browser. */
  messageSource: (folder: string, uid: number) =>
    requestBytes(`/api/messages/source?${new URLSearchParams({ folder, uid: String(uid) })}`),
  setFlags: (update: FlagsUpdate) =>
    request<{ ok: true }>('/api/messages/flags', { method: 'POST', body: JSON.stringify(update) }),
  /** Submits the browser-built message bytes unchanged; `to` is the envelope (To, Cc and Bcc). */
  send: (raw: Uint8Array, to: string[]) =>
    request<SendResult>('/api/send', { method: 'POST', body: JSON.stringify({ raw: bytesToBase64(raw), to }) }),
  /** As send, reporting upload progress (large attachments take a while to upload). */
  sendWithProgress: (raw: Uint8Array, to: string[], onProgress: UploadProgress) =>
    postWithProgress<SendResult>('/api/send', rawMessageJson(raw, { to }), onProgress),
  /** Stores a draft in Drafts, replacing the version `replaceUid`. */
  saveDraft: (raw: Uint8Array, replaceUid?: number | null) =>
    request<SavedDraft>('/api/drafts', { method: 'POST', body: rawMessageJson(raw, replaceUid ? { replaceUid } : {}) }),
  deleteDraft: (uid: number) => request<void>(`/api/drafts?${new URLSearchParams({ uid: String(uid) })}`, { method: 'DELETE' }),
  move: (folder: string, uids: number[], to: MoveTarget) =>
    request<MoveResult>('/api/messages/move', { method: 'POST', body: JSON.stringify({ folder, uids, to }) }),
  /** Address completion; `signal` lets a newer keystroke cancel the answer to an older one. */
  contacts: (q: string, signal?: AbortSignal) => request<ContactSuggestions>(`/api/contacts?${new URLSearchParams({ q })}`, { signal }),
  copy: (folder: string, uids: number[], to: string) =>
    request<CopyResult>('/api/messages/copy', { method: 'POST', body: JSON.stringify({ folder, uids, to: { path: to } }) }),
  /** `parent` null: a top-level folder. */
  createFolder: (parent: string | null, name: string) =>
    request<FolderPathResult>('/api/folders', { method: 'POST', body: JSON.stringify({ parent, name }) }),
  renameFolder: (path: string, name: string) =>
    request<FolderPathResult>('/api/folders', { method: 'PATCH', body: JSON.stringify({ path, name }) }),
  /** `messages`: how many messages the user agreed to delete with the folder and its subfolders. */
  deleteFolder: (path: string, messages: number) =>
    request<FolderDeleteResult>('/api/folders', { method: 'DELETE', body: JSON.stringify({ path, messages }) }),
  folderStatus: (folder: string) => request<FolderSnapshot>(`/api/folders/status?${new URLSearchParams({ folder })}`),
  emptyFolder: (snapshot: FolderSnapshot) =>
    request<EmptyFolderResult>('/api/folders/empty', {
      method: 'POST',
      body: JSON.stringify({ folder: snapshot.folder, uidValidity: snapshot.uidValidity, uidNext: snapshot.uidNext }),
    }),
  /** The message's MIME tree and size (BODYSTRUCTURE): no body bytes. */
  messageStructure: (folder: string, uid: number) =>
    request<MessageStructure>(`/api/messages/structure?${new URLSearchParams({ folder, uid: String(uid) })}`),
  /** One body section's raw bytes, still transfer-encoded: a part number ("1.2"), "1.2.MIME" or "HEADER". */
  messagePart: (folder: string, uid: number, part: string, max?: number) =>
    requestBytes(`/api/messages/part?${new URLSearchParams({ folder, uid: String(uid), part, ...(max ? { max: String(max) } : {}) })}`),
  /** A CRL, OCSP or AIA answer relayed by the server, unverified: lib/smime checks it. */
  pkiFetch: (request: PkiRelayRequest, maxBytes: number) => postForCappedBytes('/api/pki/fetch', request, maxBytes),
  /** Recipients' certificates from the directory as unparsed bytes (at most 50 addresses); parse them with lib/recipients. */
  directoryCertificates: async (emails: string[]) =>
    decodeDirectoryAnswer(
      await request<DirectoryCertificatesAnswer>('/api/certificates/directory', { method: 'POST', body: JSON.stringify({ emails }) }),
    ),
  /** The certificate address book's stored entries, unparsed: read them with lib/certbook decodeBook. */
  certbook: () => request<CertbookListing>('/api/certificates/book'),
  /** Stores an entry (lib/certbook encodeEntry), replacing the one with the same fingerprint. */
  putCertbookEntry: (fingerprint: string, entry: string) =>
    request<{ replaced: number }>('/api/certificates/book', { method: 'POST', body: JSON.stringify({ fingerprint, entry }) }),
  deleteCertbookEntry: (fingerprint: string) =>
    request<{ deleted: number }>(`/api/certificates/book?${new URLSearchParams({ fingerprint })}`, { method: 'DELETE' }),
  /** The administrator's S/MIME policy and the organisation's roots (base64 DER), unchecked: lib/policy and lib/trust read them. */
  security: () => request<SecurityConfigAnswer>('/api/security'),
  /**
   * A protected send: the main message (stored in Sent; `to` may be empty when every recipient
   * is Bcc) and separate copies, each submitted to its own recipients only, each in its own
   * request (see ./send-protected.ts); progress counts them all.
   */
  sendProtected: (main: { raw: Uint8Array; to: string[] }, separate: { raw: Uint8Array; to: string[] }[], onProgress: UploadProgress) =>
    sendProtected(httpSendTransport, main, separate, onProgress),
};

export type Api = typeof api;

const httpSendTransport: SendTransport = {
  send: (raw, to, saveToSent, onProgress) => postWithProgress<SendResult>('/api/send', rawMessageJson(raw, saveToSent ? { to } : { to, saveToSent }), onProgress),
  storeSent: (raw, onProgress) => postWithProgress<StoredSentCopy>('/api/sent', rawMessageJson(raw, {}), onProgress),
};
