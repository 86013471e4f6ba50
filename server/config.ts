import 'server-only';

import fs from 'node:fs';

import { z } from 'zod';

import { PolicyError, parseSecurityPolicy } from '@/lib/policy/parse-security-policy';
import { DEFAULT_SECURITY_POLICY, type SecurityPolicy } from '@/lib/policy/security-policy';

import { type AllowList, parseAllowList } from './pki/address-policy';

// The app's only reader of process.env: read once, validated, and a bad value stops the server
// with the variable's name (instrumentation.ts calls config() at start-up). .env.example
// documents every variable.

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

const required = z.string({ message: 'is required' });

/** Digits only: "1e3", "0x10" or " 993" are typos, not ports. */
const integer = (min: number, max: number, message: string) =>
  required
    .regex(/^\d{1,9}$/, message)
    .transform(Number)
    .refine((n) => n >= min && n <= max, message);

const port = integer(1, 65535, 'must be an integer 1-65535');
const security = z.enum(['tls', 'starttls', 'none'], { message: 'must be one of tls, starttls, none' });
const host = required.regex(/^[^\s/]+$/, 'must be a host name or IP address');
const dn = required.regex(/^[^=,]+=[^,]+(,[^=,]+=[^,]+)*$/, 'must be a DN such as dc=example,dc=com');
const milliseconds = integer(100, 60_000, 'must be a whole number of milliseconds, 100-60000');

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** A readable PEM file holding at least one certificate. */
const certificateFile = required.superRefine((p, ctx) => {
  if (!isFile(p)) {
    ctx.addIssue({ code: 'custom', message: 'must name an existing PEM file' });
  } else if (!PEM_CERTIFICATE.test(fs.readFileSync(p, 'utf8'))) {
    ctx.addIssue({ code: 'custom', message: 'must contain at least one PEM certificate' });
  }
});

/** The administrator's S/MIME policy: a JSON file of settings, read and checked strictly (lib/policy). */
const policyFile = required.transform((p, ctx): SecurityPolicy => {
  if (!isFile(p)) {
    ctx.addIssue({ code: 'custom', message: 'must name an existing JSON file' });
    return z.NEVER;
  }
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(p, 'utf8'));
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `is not JSON: ${(err as Error).message}` });
    return z.NEVER;
  }
  try {
    return parseSecurityPolicy(json);
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    ctx.addIssue({ code: 'custom', message: `is not a valid policy: ${err.message}` });
    return z.NEVER;
  }
});

const schema = z.object({
  SEALPOST_IMAP_HOST: host,
  SEALPOST_IMAP_PORT: port,
  SEALPOST_IMAP_SECURITY: security,
  SEALPOST_SMTP_HOST: host,
  SEALPOST_SMTP_PORT: port,
  SEALPOST_SMTP_SECURITY: security,
  SEALPOST_LDAP_URL: required.regex(/^ldaps?:\/\/[^/\s]+\/?$/, 'must look like ldap://host:port or ldaps://host:port'),
  SEALPOST_LDAP_BASE_DN: dn,
  SEALPOST_LDAP_BIND_DN: dn.optional(),
  SEALPOST_LDAP_BIND_PASSWORD: required.optional(),
  SEALPOST_LDAP_CONNECT_TIMEOUT_MS: milliseconds.default(3000),
  SEALPOST_LDAP_TIMEOUT_MS: milliseconds.default(5000),
  SEALPOST_TRUST_ANCHORS: certificateFile,
  SEALPOST_SESSION_SECRET: required.min(32, 'must be at least 32 characters'),
  SEALPOST_SESSION_IDLE_MINUTES: integer(1, 1440, 'must be a whole number of minutes, 1-1440').default(30),
  SEALPOST_TLS_CA_FILE: certificateFile.optional(),
  SEALPOST_TRUSTED_PROXIES: integer(0, 10, 'must be the number of reverse proxies in front of the app, 0-10').default(0),
  SEALPOST_MAIL_DOMAIN: z
    .string()
    .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'must be a domain name such as example.com')
    .optional(),
  SEALPOST_PKI_FETCH_ALLOW: z.string().transform((text, ctx) => {
    try {
      return parseAllowList(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `must be comma-separated host names, addresses or CIDR ranges: ${(err as Error).message}` });
      return z.NEVER;
    }
  }).optional(),
  SEALPOST_PKI_FETCH_MAX_BYTES: integer(1024, 100 * 1024 * 1024, 'must be a number of bytes, 1024-104857600').default(10 * 1024 * 1024),
  SEALPOST_PKI_FETCH_TIMEOUT_MS: milliseconds.default(10_000),
  SEALPOST_POLICY_FILE: policyFile.optional(),
}).superRefine((e, ctx) => {
  // A bind DN without its password (or the reverse) is a half-done edit, not an anonymous bind.
  if (Boolean(e.SEALPOST_LDAP_BIND_DN) !== Boolean(e.SEALPOST_LDAP_BIND_PASSWORD)) {
    const missing = e.SEALPOST_LDAP_BIND_DN ? 'SEALPOST_LDAP_BIND_PASSWORD' : 'SEALPOST_LDAP_BIND_DN';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'is required' });
  }
});

/** The variables config() reads; anything else in the environment is ignored. */
export const CONFIG_VARIABLES = Object.keys(schema.shape) as (keyof typeof schema.shape)[];

/** Values whose content must never appear in an error message or a log. */
const SECRET_VARIABLES = new Set<string>(['SEALPOST_SESSION_SECRET', 'SEALPOST_LDAP_BIND_PASSWORD']);

export type Security = z.infer<typeof security>;

export interface ServerEndpoint {
  host: string;
  port: number;
  security: Security;
}

export interface AppConfig {
  imap: ServerEndpoint;
  smtp: ServerEndpoint;
  ldap: LdapConfig;
  trustAnchorsFile: string;
  sessionSecret: string;
  sessionIdleMs: number;
  tlsCaFile: string | undefined;
  /** Appended to logins that are not addresses to make the user's address. */
  mailDomain: string | undefined;
  /** Reverse proxies in front of the app whose X-Forwarded-For entries are believed. */
  trustedProxies: number;
  pkiFetch: PkiFetchConfig;
  /** The S/MIME policy (SEALPOST_POLICY_FILE), DEFAULT_SECURITY_POLICY when none is configured. */
  policy: SecurityPolicy;
}

/** The CRL/OCSP/AIA relay (server/pki/relay-fetch.ts). */
export interface PkiFetchConfig {
  /** Hosts and ranges reachable even though private or loopback. */
  allow: AllowList;
  /** Largest response relayed; reading stops beyond it. */
  maxBytes: number;
  /** For the whole exchange, redirects included. */
  timeoutMs: number;
}

export interface LdapConfig {
  url: string;
  baseDn: string;
  /** Simple bind as this DN with bindPassword; both absent means an anonymous directory. */
  bindDn: string | undefined;
  bindPassword: string | undefined;
  connectTimeoutMs: number;
  /** For each LDAP operation (bind, search). */
  timeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    // One line per start-up log entry, e.g.
    // Invalid configuration: SEALPOST_IMAP_PORT must be an integer 1-65535 (got "abc")
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

function describe(name: string, message: string, got: string | undefined): string {
  if (got === undefined) return `${name} is required`;
  return `${name} ${message} (got ${SECRET_VARIABLES.has(name) ? `${got.length} characters` : JSON.stringify(got)})`;
}

/** Validates an environment; exported for tests, the app uses `config()`. */
export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  // Empty strings count as unset, so `FOO=` in an env file means "use the default".
  const picked: Record<string, string> = {};
  for (const name of CONFIG_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== '') picked[name] = value;
  }
  const result = schema.safeParse(picked);
  if (!result.success) {
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const issue of result.error.issues) {
      const name = String(issue.path[0]);
      if (seen.has(name)) continue; // one problem per variable is enough to fix it
      seen.add(name);
      problems.push(describe(name, issue.message, picked[name]));
    }
    throw new ConfigError(problems);
  }
  const e = result.data;
  return {
    imap: { host: e.SEALPOST_IMAP_HOST, port: e.SEALPOST_IMAP_PORT, security: e.SEALPOST_IMAP_SECURITY },
    smtp: { host: e.SEALPOST_SMTP_HOST, port: e.SEALPOST_SMTP_PORT, security: e.SEALPOST_SMTP_SECURITY },
    ldap: {
      url: e.SEALPOST_LDAP_URL,
      baseDn: e.SEALPOST_LDAP_BASE_DN,
      bindDn: e.SEALPOST_LDAP_BIND_DN,
      bindPassword: e.SEALPOST_LDAP_BIND_PASSWORD,
      connectTimeoutMs: e.SEALPOST_LDAP_CONNECT_TIMEOUT_MS,
      timeoutMs: e.SEALPOST_LDAP_TIMEOUT_MS,
    },
    trustAnchorsFile: e.SEALPOST_TRUST_ANCHORS,
    sessionSecret: e.SEALPOST_SESSION_SECRET,
    sessionIdleMs: e.SEALPOST_SESSION_IDLE_MINUTES * 60_000,
    tlsCaFile: e.SEALPOST_TLS_CA_FILE,
    mailDomain: e.SEALPOST_MAIL_DOMAIN,
    trustedProxies: e.SEALPOST_TRUSTED_PROXIES,
    pkiFetch: {
      allow: e.SEALPOST_PKI_FETCH_ALLOW ?? parseAllowList(''),
      maxBytes: e.SEALPOST_PKI_FETCH_MAX_BYTES,
      timeoutMs: e.SEALPOST_PKI_FETCH_TIMEOUT_MS,
    },
    policy: e.SEALPOST_POLICY_FILE ?? DEFAULT_SECURITY_POLICY,
  };
}

// On globalThis, like the sessions: Next.js may load this module in more than one module graph
// (instrumentation, route handlers, pages) and the environment is still read only once.
const CONFIG = Symbol.for('sealpost.config');

export function config(): AppConfig {
  const g = globalThis as typeof globalThis & { [CONFIG]?: AppConfig };
  g[CONFIG] ??= parseConfig(process.env);
  return g[CONFIG];
}

/**
 * For start-up (instrumentation.ts): validates the configuration and, when it is bad, prints
 * the problems and ends the process. Next.js would otherwise log the error and keep serving
 * errors on every request.
 */
export function checkConfigAtStartup(): void {
  try {
    config();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`[sealpost] ${err.message}\n[sealpost] See .env.example for every variable. Not starting.`);
    process.exit(1);
  }
}
