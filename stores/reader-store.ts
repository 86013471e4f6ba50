import { createStore } from 'zustand/vanilla';

import { ApiRequestError, api, errorMessage } from '@/lib/api/client';
import type { MessageStructure } from '@/lib/api/types';
import { parseMessage } from '@/lib/mail/parse-message';
import { trackDecryptingIdentities } from '@/lib/reading/decrypting-identities';
import { isKeystoreError } from '@/lib/keystore/errors';
import type { SecurityPolicy } from '@/lib/policy/security-policy';
import { type ReadProblem, type SecurityBannerModel, policyReasons, securityBanner } from '@/lib/reading/security-banner';
import { hasNestedSignedPart, isSmimeMessage, messageContentType, smimeLabel } from '@/lib/reading/smime-label';
import { type CertificateSummary, type Identity, type MessageReport, type TrustSettings, isSmimeError, readMessage, summarizeCertificate } from '@/lib/smime';
import {
  LARGE_MESSAGE_BYTES,
  type ReaderAttachment,
  type ReaderMessage,
  decodeAttachment,
  fromParsed,
  inlineImagesToFetch,
  readPartByPart,
  readPartial,
} from '@/lib/mail/partial-message';

import type { CertificateSource, IdentitySource, TrustSource } from './security-contracts';

/** What the reader knows about the open message's S/MIME protection (null for plain mail). */
export interface ReaderSecurity {
  /** lib/smime's report; null when reading failed before one existed (see problem). */
  report: MessageReport | null;
  /** What the banner says, from the report alone (lib/reading/security-banner.ts). */
  banner: SecurityBannerModel | null;
  /** Your certificates whose keys opened the message. */
  decryptedFor: CertificateSummary[];
  problem: ReadProblem | null;
  /** From harvesting the verified signers' certificates into the address book. */
  keyChangeWarnings: { address: string; message: string }[];
  /** The message was encrypted (opened or not): a reply or forward starts encrypted. */
  encrypted: boolean;
  /** A fresh check ("Check certificate now") is running. */
  checking: boolean;
  /** The organisation's policy the signatures were held to (null without a trust source). */
  policy: SecurityPolicy | null;
}

/** The security stores the reader reads with; absent until they are wired (then: no keys, no trust anchors). */
export interface ReaderSmimeDeps {
  identities: IdentitySource;
  trust: TrustSource;
  certificates: CertificateSource;
  /** lib/smime's readMessage; tests may inject another. */
  read?: typeof readMessage;
}

/** Without a trust store nothing is trusted and nothing is fetched: signatures still verify, as "not trusted". */
const NO_TRUST: TrustSettings = { anchors: [], fetcher: null, revocation: 'off' };

export interface ReaderState {
  folder: string | null;
  uid: number | null;
  message: ReaderMessage | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** The user's per-message choice to load remote images (never remembered across messages). */
  remoteImagesAllowed: boolean;
  /** The open message fills the window instead of the reading pane (Enter, or its button; Esc leaves). */
  fullWindow: boolean;
  setFullWindow: (fullWindow: boolean) => void;
  /**
   * Opens a message. `hint.size` (RFC822.SIZE from the list) lets a small message skip the
   * structure request; without it the structure is asked first.
   */
  open: (folder: string, uid: number, hint?: { size?: number }) => Promise<ReaderMessage | null>;
  /** An attachment's decoded bytes: at hand for a message read whole, else fetched (once) now. */
  loadAttachment: (attachment: ReaderAttachment) => Promise<Uint8Array>;
  allowRemoteImages: () => void;
  close: () => void;
  /** S/MIME state of the open message; null for plain mail. */
  security: ReaderSecurity | null;
  /** Asks the keystore to unlock (when it can) and reads the open message again. */
  unlock: () => Promise<void>;
  /** Reads the open message again with fresh revocation answers ("Check certificate now"). */
  checkCertificatesNow: () => Promise<void>;
  /** Whether the message at folder/uid, if open, was encrypted: reply and forward pass it as ComposeRequest.sourceEncrypted. */
  isEncrypted: (folder: string, uid: number) => boolean;
}

interface Deps {
  fetchSource?: (folder: string, uid: number) => Promise<Uint8Array>;
  fetchStructure?: (folder: string, uid: number) => Promise<MessageStructure>;
  fetchPart?: (folder: string, uid: number, part: string, max?: number) => Promise<Uint8Array>;
  onSessionEnded?: () => void;
  smime?: ReaderSmimeDeps;
}

/**
 * The message open in the reading pane. Small messages (and S/MIME ones, which are checked over
 * their exact bytes) are fetched whole and parsed in the browser; large ones part by part: the
 * structure, the header and the text, while attachments wait until they are downloaded or previewed.
 */
export function createReaderStore({
  fetchSource = api.messageSource,
  fetchStructure = api.messageStructure,
  fetchPart = api.messagePart,
  onSessionEnded = () => {},
  smime,
}: Deps = {}) {
  // Decoded attachment bytes of the open message, by part number; dropped when another opens.
  let fetched = new Map<string, Promise<Uint8Array>>();
  // The open S/MIME message's raw bytes, to read it again after an unlock or for a fresh check.
  let openRaw: Uint8Array | null = null;

  interface Loaded {
    message: ReaderMessage;
    security: ReaderSecurity | null;
    /** The raw bytes of an S/MIME message, kept while it is open. */
    raw: Uint8Array | null;
  }

  /** The user's identities for decrypting; a locked keystore or a failing one is a problem, not an exception. */
  const readingIdentities = async (): Promise<{ identities: Identity[]; problem: ReadProblem | null }> => {
    if (!smime) return { identities: [], problem: { code: 'no-identities' } };
    try {
      const identities = await smime.identities.identitiesForReading();
      return { identities, problem: identities.length ? null : { code: 'no-identities' } };
    } catch (e) {
      // A card needs no unlock: its keys are tried, and Unlock is offered only if they do not fit.
      if (isKeystoreError(e, 'locked'))
        return { identities: smime.identities.identitiesOutsideKeystore?.() ?? [], problem: { code: 'keystore-locked', canUnlock: smime.identities.requestUnlock !== undefined } };
      throw e;
    }
  };

  /**
   * An S/MIME message: every layer from the MIME root inwards is opened and checked by lib/smime
   * (never a part found deeper: lib/smime refuses those), then the plaintext is parsed as usual.
   */
  const readProtected = async (raw: Uint8Array, fresh: boolean): Promise<Loaded> => {
    const outer = await parseMessage(raw);
    let from = outer.from?.address || null;
    const security: ReaderSecurity = {
      report: null,
      banner: null,
      decryptedFor: [],
      problem: null,
      keyChangeWarnings: [],
      encrypted: false,
      checking: false,
      policy: null,
    };
    let result;
    let keys: { identities: Identity[]; problem: ReadProblem | null };
    let policy: SecurityPolicy | null = null;
    try {
      keys = await readingIdentities();
      const trust = smime ? await smime.trust.trustSettings(fresh ? { fresh: true } : undefined) : NO_TRUST;
      // Asked after trustSettings(), which waits for the organisation's settings to load (policy() does not wait).
      policy = smime ? smime.trust.policy() : null;
      security.policy = policy;
      const tracker = trackDecryptingIdentities(keys.identities);
      const read = smime?.read ?? readMessage;
      result = await read(raw, { identities: tracker.identities, trust, knownCertificates: smime?.certificates.knownCertificates() ?? [] });
      security.decryptedFor = result.report.encrypted ? await Promise.all(tracker.used().slice(-1).map((i) => summarizeCertificate(i.certificate))) : [];
    } catch (e) {
      // The message's own headers still show; the body stays hidden, the banner says why.
      security.problem = { code: 'read-failed', message: readFailure(e) };
      security.encrypted = isEncryptedLabel(raw);
      security.banner = securityBanner({ report: null, decryptedFor: [], problem: security.problem, keyChangeWarnings: [], from, policy });
      return { message: headersOnly(outer), security, raw };
    }
    const report = result.report;
    // Layers that could not be opened leave an S/MIME entity as the "plaintext": show only the headers.
    const shown = isSmimeMessage(result.plaintext) && report.layers.length > 0 ? null : await parseMessage(result.plaintext);
    // With header protection (RFC 9788) the reader shows the protected From, and lib/smime matched
    // the signer with it: the banner and the address book go by it too, not by the outer copy.
    if (report.protectedHeaders && shown) from = shown.from?.address || null;
    security.report = report;
    security.encrypted = report.encrypted;
    // A key problem only matters when an envelope could not be opened.
    const envelopeFailed = report.layers.some((l) => (l.kind === 'enveloped' || l.kind === 'auth-enveloped') && l.errors.length > 0);
    security.problem = envelopeFailed ? keys.problem : null;
    // Only signatures that verify (and that the policy accepts) give the address book a certificate.
    if (smime && report.signed && report.signatures.every((s) => s.intact && policyReasons(s, policy).length === 0)) {
      try {
        security.keyChangeWarnings = (await smime.certificates.harvest(result, from)).keyChangeWarnings;
      } catch {
        // The address book failing does not make the message less readable.
      }
    }
    security.banner = securityBanner({
      report,
      decryptedFor: security.decryptedFor,
      problem: security.problem,
      keyChangeWarnings: security.keyChangeWarnings,
      from,
      policy,
    });
    return { message: shown ? fromParsed(shown) : headersOnly(outer), security, raw };
  };

  // A signed part inside an unsigned message is read too: the banner says "only part is signed".
  const fromRaw = async (raw: Uint8Array): Promise<Loaded> =>
    isSmimeMessage(raw) || hasNestedSignedPart(raw) ? readProtected(raw, false) : { message: fromParsed(await parseMessage(raw)), security: null, raw: null };

  return createStore<ReaderState>()((set, get) => {
    const load = async (folder: string, uid: number, hint: { size?: number }): Promise<Loaded> => {
      if (hint.size !== undefined && hint.size <= LARGE_MESSAGE_BYTES) return fromRaw(await fetchSource(folder, uid));
      const structure = await fetchStructure(folder, uid);
      // S/MIME roots are never read part by part (needsWholeMessage): signatures cover the exact bytes.
      if (!readPartByPart(structure)) return fromRaw(await fetchSource(folder, uid));
      return { message: await readPartial(structure, (section, max) => fetchPart(folder, uid, section, max)), security: null, raw: null };
    };

    /** Reads the open S/MIME message again (after an unlock, or with fresh revocation answers). */
    const reread = async (fresh: boolean) => {
      const { folder, uid, security } = get();
      const raw = openRaw;
      if (!raw || !security || folder === null || uid === null) return;
      set({ security: { ...security, checking: true } });
      const still = () => get().folder === folder && get().uid === uid && openRaw === raw;
      try {
        const loaded = await readProtected(raw, fresh);
        if (still()) set({ message: loaded.message, security: loaded.security });
      } catch (e) {
        const now = get().security;
        if (still() && now) set({ security: { ...now, checking: false, problem: { code: 'read-failed', message: readFailure(e) } } });
      }
    };

    const fetchAttachment = (a: ReaderAttachment): Promise<Uint8Array> => {
      const { folder, uid } = get();
      if (a.content) return Promise.resolve(a.content);
      if (!a.part || folder === null || uid === null) return Promise.reject(new Error('The attachment is not available.'));
      let p = fetched.get(a.part);
      if (!p) {
        p = fetchPart(folder, uid, a.part).then((raw) => decodeAttachment(a, raw));
        // A failed fetch may be tried again.
        p.catch(() => fetched.delete(a.part!));
        fetched.set(a.part, p);
      }
      return p;
    };

    /** Fetches the cid: images the HTML shows, after the text is already on screen. */
    const fillInlineImages = async (folder: string, uid: number, message: ReaderMessage) => {
      const wanted = inlineImagesToFetch(message);
      if (wanted.length === 0) return;
      const loaded = await Promise.all(wanted.map((a) => fetchAttachment(a).catch(() => null)));
      const current = get();
      if (current.folder !== folder || current.uid !== uid || !current.message) return;
      const byPart = new Map(wanted.map((a, i) => [a.part, loaded[i]]));
      set({
        message: {
          ...current.message,
          attachments: current.message.attachments.map((a) => {
            const content = byPart.get(a.part);
            return content ? { ...a, content, size: content.length, sizeExact: true } : a;
          }),
        },
      });
    };

    return {
      folder: null,
      uid: null,
      message: null,
      status: 'idle',
      error: null,
      remoteImagesAllowed: false,
      fullWindow: false,
      security: null,
      setFullWindow(fullWindow) {
        set({ fullWindow: fullWindow && get().uid !== null });
      },
      async open(folder, uid, hint = {}) {
        fetched = new Map();
        openRaw = null;
        set({ folder, uid, message: null, status: 'loading', error: null, remoteImagesAllowed: false, security: null });
        const current = () => get().folder === folder && get().uid === uid;
        try {
          const { message, security, raw } = await load(folder, uid, hint);
          if (!current()) return null;
          openRaw = raw;
          set({ message, security, status: 'ready' });
          if (message.partial) void fillInlineImages(folder, uid, message);
          return message;
        } catch (e) {
          if (e instanceof ApiRequestError && e.code === 'not-signed-in') onSessionEnded();
          if (current()) set({ status: 'error', error: errorMessage(e, 'The message could not be loaded.') });
          return null;
        }
      },
      loadAttachment(attachment) {
        return fetchAttachment(attachment).catch((e: unknown) => {
          if (e instanceof ApiRequestError && e.code === 'not-signed-in') onSessionEnded();
          throw e;
        });
      },
      allowRemoteImages() {
        // Decrypted mail never loads remote content: a fetch would tell the sender (or anyone who
        // altered the ciphertext, EFAIL) that and when it was opened.
        if (get().security?.encrypted) return;
        set({ remoteImagesAllowed: true });
      },
      close() {
        fetched = new Map();
        openRaw = null;
        set({ folder: null, uid: null, message: null, status: 'idle', error: null, remoteImagesAllowed: false, fullWindow: false, security: null });
      },
      async unlock() {
        const identities = smime?.identities;
        if (!identities?.requestUnlock) return;
        try {
          if (!(await identities.requestUnlock())) return;
        } catch {
          // A cancelled or wrong passphrase: the message stays locked and the banner says so.
          return;
        }
        await reread(false);
      },
      async checkCertificatesNow() {
        await reread(true);
      },
      isEncrypted(folder, uid) {
        const { folder: openFolder, uid: openUid, security } = get();
        return openFolder === folder && openUid === uid && (security?.encrypted ?? false);
      },
    };
  });
}

/** Coded errors carry a sentence for the user; anything else gets a fixed one (never an internal message). */
function readFailure(e: unknown): string {
  if (isSmimeError(e)) return e.message;
  return errorMessage(e, 'your keys or trust settings could not be read. Try again.');
}

/** A message shown by its headers alone: its protected content could not be opened. */
function headersOnly(outer: Awaited<ReturnType<typeof parseMessage>>): ReaderMessage {
  return fromParsed({ ...outer, text: '', html: null, attachments: [] });
}

/** The outer label says encrypted (for a message lib/smime could not read at all). */
function isEncryptedLabel(raw: Uint8Array): boolean {
  return smimeLabel(messageContentType(raw)) === 'encrypted';
}

export type ReaderStore = ReturnType<typeof createReaderStore>;
