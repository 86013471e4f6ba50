import 'server-only';

import crypto from 'node:crypto';

import type { ImapFlow } from 'imapflow';

import { CredentialBox, type SealedSecret } from './credential-box';

export interface Session {
  id: string;
  username: string;
  email: string;
  password: SealedSecret;
  createdAt: number;
  lastSeen: number;
  /** The session's one IMAP connection, opened on first use and reused. */
  imap?: ImapFlow;
  imapConnecting?: Promise<ImapFlow>;
}

/** In-memory sessions with idle expiry. Expired sessions close their IMAP connection. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  readonly box: CredentialBox;

  constructor(
    secret: string,
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.box = new CredentialBox(secret);
  }

  create(username: string, email: string, password: string): Session {
    const id = crypto.randomBytes(32).toString('base64url');
    const t = this.now();
    const session: Session = { id, username, email, password: this.box.seal(password), createdAt: t, lastSeen: t };
    this.sessions.set(id, session);
    return session;
  }

  /** The live session for `id`, touched; null when unknown or idle too long. */
  get(id: string | undefined): Session | null {
    if (!id) return null;
    const session = this.sessions.get(id);
    if (!session) return null;
    if (this.now() - session.lastSeen > this.idleMs) {
      this.destroy(id);
      return null;
    }
    session.lastSeen = this.now();
    return session;
  }

  password(session: Session): string {
    return this.box.open(session.password);
  }

  destroy(id: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    session.imap?.logout().catch(() => session.imap?.close());
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
