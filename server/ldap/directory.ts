import 'server-only';

import fs from 'node:fs';

import { Client, type Entry, ResultCodeError } from 'ldapts';

import { type LdapConfig, config } from '../config';
import { AppError } from '../errors';

// The LDAP directory (the organisation's address list): one connection per process, shared by
// every session, because the directory is searched with the service account (or anonymously),
// never with the user's credentials. ldapts reconnects (and re-binds) by itself after an idle
// drop; after any failure the client is thrown away and the next search starts afresh.
// Callers say which attributes they want: address completion reads only names and addresses
// (directory-people.ts); certificate look-ups (issue 5) ask for userCertificate;binary and
// userSMIMECertificate as `binaryAttributes`.

export interface DirectorySearch {
  /** A complete RFC 4515 filter; any untrusted part already escaped (ldap-filter.ts). */
  filter: string;
  attributes: string[];
  /** Attributes to return as raw bytes (certificates), not decoded as UTF-8. */
  binaryAttributes?: string[];
  /** Most entries the server should return (RFC 4511 sizeLimit); more are dropped by the server. */
  sizeLimit: number;
  /** Seconds the server may spend (RFC 4511 timeLimit). */
  timeLimitSeconds: number;
}

export class Directory {
  private client: Promise<Client> | undefined;
  private failing = false;

  constructor(
    private readonly cfg: LdapConfig,
    private readonly tlsCaFile?: string,
  ) {}

  /**
   * Searches the whole subtree under the base DN. Every failure (down, slow, refused bind,
   * time limit) is 'directory-unavailable'; reaching the size limit is not a failure.
   */
  async search(request: DirectorySearch): Promise<Entry[]> {
    let client: Client | undefined;
    try {
      client = await this.connect();
      const { searchEntries } = await client.search(this.cfg.baseDn, {
        scope: 'sub',
        derefAliases: 'never',
        filter: request.filter,
        attributes: request.attributes,
        explicitBufferAttributes: request.binaryAttributes,
        sizeLimit: request.sizeLimit,
        timeLimit: request.timeLimitSeconds,
      });
      if (this.failing) console.info(`[sealpost] LDAP ${this.cfg.url} answers again`);
      this.failing = false;
      return searchEntries;
    } catch (err) {
      throw this.fail(err, client);
    }
  }

  /** Closes the connection (tests, shutdown). */
  async close(): Promise<void> {
    const pending = this.client;
    this.client = undefined;
    const client = await pending?.catch(() => undefined);
    await client?.unbind().catch(() => undefined);
  }

  private connect(): Promise<Client> {
    this.client ??= (async () => {
      const { url, bindDn, bindPassword, connectTimeoutMs, timeoutMs } = this.cfg;
      const client = new Client({
        url,
        connectTimeout: connectTimeoutMs,
        timeout: timeoutMs,
        autoRebind: true,
        tlsOptions: this.tlsCaFile ? { ca: fs.readFileSync(this.tlsCaFile) } : undefined,
      });
      if (bindDn && bindPassword) {
        try {
          await client.bind(bindDn, bindPassword);
        } catch (err) {
          await client.unbind().catch(() => undefined);
          throw err;
        }
      }
      return client;
    })();
    return this.client;
  }

  private fail(err: unknown, client: Client | undefined): AppError {
    // A result code from the server (time limit, say) leaves the connection usable; anything
    // else (refused, reset, timed out, bind refused) means starting again next time.
    const keep = client && err instanceof ResultCodeError && err.code !== 49; // 49: invalidCredentials
    if (!keep) {
      const stale = this.client;
      this.client = undefined;
      void stale?.then((c) => c.unbind()).catch(() => undefined);
    }
    const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    // Logged once per outage, not once per keystroke of every user.
    if (!this.failing) console.warn(`[sealpost] LDAP ${this.cfg.url} failed: ${detail}`);
    this.failing = true;
    return err instanceof AppError ? err : new AppError('directory-unavailable', detail);
  }
}

// On globalThis, like the sessions: Next.js may load this module in more than one module graph.
const DIRECTORY = Symbol.for('sealpost.directory');

/** The configured directory, shared by the whole process. */
export function directory(): Directory {
  const g = globalThis as typeof globalThis & { [DIRECTORY]?: Directory };
  const { ldap, tlsCaFile } = config();
  g[DIRECTORY] ??= new Directory(ldap, tlsCaFile);
  return g[DIRECTORY];
}
