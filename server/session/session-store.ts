import 'server-only';

import crypto from 'node:crypto';

import type { ImapFlow } from 'imapflow';

import { CredentialBox, type SealedSecret } from './credential-box';

export interface Session {
  id: string;
  username: string;
  email: string;
  password: SealedSecret;
  /** The browser's address at sign-in, passed on to the IMAP server (ID x-originating-ip). */
  clientIp?: string;
  createdAt: number;
  lastSeen: number;
  /** The session's one IMAP connection, reused; reopened after a drop (server/imap/session-imap.ts). */
  imap?: ImapFlow;
  imapConnecting?: Promise<ImapFlow>;
  /** Set when the session is signed out or expired; a connection opened later is closed at once. */
  ended?: boolean;
  /** Called once when the session ends (its live event streams close: server/events/live-streams.ts). */
  onEnd?: Set<() => void>;
}

/**
 * In-memory sessions with idle expiry. Expired sessions close their IMAP connection. The IMAP
 * password is held only sealed (AES-256-GCM), and opened for the moment a connection needs it.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly box: CredentialBox;

  constructor(
    secret: string,
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.box = new CredentialBox(secret);
  }

  create(username: string, email: string, password: string, clientIp?: string): Session {
    // 256 random bits: the cookie is the only credential the browser holds.
    const id = crypto.randomBytes(32).toString('base64url');
    const t = this.now();
    const session: Session = { id, username, email, password: this.box.seal(password), clientIp, createdAt: t, lastSeen: t };
    this.sessions.set(id, session);
    return session;
  }

  /**
   * The live session for `id`, touched (unless `touch` is false: reads the page makes by itself
   * after a live event are not the user's activity); null when unknown or idle too long.
   */
  get(id: string | undefined, { touch = true }: { touch?: boolean } = {}): Session | null {
    if (!id) return null;
    const session = this.sessions.get(id);
    if (!session) return null;
    if (this.now() - session.lastSeen > this.idleMs) {
      this.destroy(id);
      return null;
    }
    if (touch) session.lastSeen = this.now();
    return session;
  }

  password(session: Session): string {
    return this.box.open(session.password);
  }

  destroy(id: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    session.ended = true;
    for (const listener of session.onEnd ?? []) listener();
    session.onEnd?.clear();
    const client = session.imap;
    session.imap = undefined;
    client?.logout().catch(() => client.close());
  }

  /** Ends every idle session; run periodically so idle IMAP connections do not linger. */
  sweep(): number {
    let ended = 0;
    for (const [id, s] of this.sessions) {
      if (this.now() - s.lastSeen > this.idleMs) {
        this.destroy(id);
        ended++;
      }
    }
    return ended;
  }

  get size(): number {
    return this.sessions.size;
  }
}
