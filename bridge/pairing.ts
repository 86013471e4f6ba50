// Who may use the bridge. The Origin header only keeps other web sites out (any local program can
// forge it), so a browser must also prove it saw the code the bridge printed: once, after which it
// holds a random token bound to its origin. The bridge keeps only SHA-256 digests of the tokens,
// in a file only its user can read. Wrong codes are capped: after MAX_WRONG_CODES the code is
// replaced, so guessing gets MAX_WRONG_CODES tries per code the user is shown.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const MAX_WRONG_CODES = 5;
/** Crockford's base32 without I, L, O, U: nothing to misread when typing it over. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 8;
const TOKEN_BYTES = 32;

interface StoredToken {
  origin: string;
  sha256: string;
  created: string;
}

export type PairingResult = { ok: true; token: string } | { ok: false; locked: boolean };

const digest = (token: string) => crypto.createHash('sha256').update(token).digest('base64');

/** 8 characters (40 bits) shown as XXXX-XXXX; typed with or without the dash, in any case. */
function newCode(): string {
  const bytes = crypto.randomBytes(CODE_LENGTH);
  return Array.from(bytes, (b) => CODE_ALPHABET[b & 31]).join('');
}

const normalizeCode = (typed: string) => typed.replace(/[\s-]/g, '').toUpperCase();

export class PairingBook {
  private code = newCode();
  private wrongCodes = 0;
  private tokens: StoredToken[];

  constructor(
    private readonly file: string,
    /** Told every new code, to show it to the user. */
    private readonly showCode: (code: string) => void,
  ) {
    this.tokens = readTokens(file);
    showCode(this.displayCode());
  }

  displayCode(): string {
    return `${this.code.slice(0, 4)}-${this.code.slice(4)}`;
  }

  /** Constant-time against the current code; a right code is used up, and so is a code guessed at too often. */
  pair(origin: string, typed: string): PairingResult {
    const given = Buffer.from(normalizeCode(typed));
    const expected = Buffer.from(this.code);
    if (given.length === expected.length && crypto.timingSafeEqual(given, expected)) {
      const token = crypto.randomBytes(TOKEN_BYTES).toString('base64url');
      this.tokens.push({ origin, sha256: digest(token), created: new Date().toISOString() });
      writeTokens(this.file, this.tokens);
      this.rotate();
      return { ok: true, token };
    }
    this.wrongCodes++;
    if (this.wrongCodes < MAX_WRONG_CODES) return { ok: false, locked: false };
    this.rotate();
    return { ok: false, locked: true };
  }

  /** A token counts only from the origin it was issued to. */
  knows(origin: string, token: string): boolean {
    const wanted = Buffer.from(digest(token));
    return this.tokens.some((entry) => entry.origin === origin && crypto.timingSafeEqual(Buffer.from(entry.sha256), wanted));
  }

  private rotate(): void {
    this.code = newCode();
    this.wrongCodes = 0;
    this.showCode(this.displayCode());
  }
}

function readTokens(file: string): StoredToken[] {
  if (!fs.existsSync(file)) return [];
  const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(value)) throw new Error(`${file} is not a token list; move it away to start over.`);
  return value.filter((entry): entry is StoredToken => typeof entry?.origin === 'string' && typeof entry?.sha256 === 'string' && typeof entry?.created === 'string');
}

/** Written to a 0600 temp file and renamed, so a crash never leaves a half-written or readable list. */
function writeTokens(file: string, tokens: StoredToken[]): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temp, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(temp, file);
}
