import 'server-only';

import crypto from 'node:crypto';

// The IMAP password lives only in server memory, and there only encrypted (AES-256-GCM) under a
// key derived from the session secret and a random per-process salt: a heap dump or a log line
// that catches a session record does not show the password.

export interface SealedSecret {
  iv: Buffer;
  tag: Buffer;
  data: Buffer;
}

export class CredentialBox {
  private readonly key: Buffer;

  constructor(secret: string) {
    const salt = crypto.randomBytes(32);
    this.key = Buffer.from(crypto.hkdfSync('sha256', secret, salt, 'sealpost/imap-credential', 32));
  }

  seal(plain: string): SealedSecret {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return { iv, tag: cipher.getAuthTag(), data };
  }

  open(sealed: SealedSecret): string {
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, sealed.iv);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.data), decipher.final()]).toString('utf8');
  }
}
