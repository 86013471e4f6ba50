import 'server-only';

import fs from 'node:fs';

import { z } from 'zod';

// The app's only reader of process.env: read once, validated, and a bad value stops the server
// with the variable's name. .env.example documents every variable.

const port = z.coerce
  .number({ message: 'must be an integer 1-65535' })
  .int('must be an integer 1-65535')
  .min(1, 'must be an integer 1-65535')
  .max(65535, 'must be an integer 1-65535');
const security = z.enum(['tls', 'starttls', 'none'], { message: 'must be one of tls, starttls, none' });
const host = z.string({ message: 'is required' }).trim().min(1, 'is required');
const readableFile = (what: string) =>
  z
    .string({ message: 'is required' })
    .min(1, 'is required')
    .refine((p) => fs.existsSync(p), { message: `must name an existing ${what} file` });

const schema = z.object({
  SEALPOST_IMAP_HOST: host,
  SEALPOST_IMAP_PORT: port,
  SEALPOST_IMAP_SECURITY: security,
  SEALPOST_SMTP_HOST: host,
  SEALPOST_SMTP_PORT: port,
  SEALPOST_SMTP_SECURITY: security,
  SEALPOST_LDAP_URL: z
    .string({ message: 'is required' })
    .regex(/^ldaps?:\/\/[^/\s]+\/?$/, 'must look like ldap://host:port or ldaps://host:port'),
  SEALPOST_LDAP_BASE_DN: z.string({ message: 'is required' }).regex(/^[^=,]+=[^,]+(,[^=,]+=[^,]+)*$/, 'must be a DN such as dc=example,dc=com'),
  SEALPOST_TRUST_ANCHORS: readableFile('PEM').refine(
    (p) => !fs.existsSync(p) || fs.readFileSync(p, 'utf8').includes('-----BEGIN CERTIFICATE-----'),
    { message: 'must contain at least one PEM certificate' },
  ),
  SEALPOST_SESSION_SECRET: z.string({ message: 'is required' }).min(32, 'must be at least 32 characters'),
  SEALPOST_SESSION_IDLE_MINUTES: z.coerce
    .number({ message: 'must be a whole number of minutes, 1-1440' })
    .int('must be a whole number of minutes, 1-1440')
    .min(1, 'must be a whole number of minutes, 1-1440')
    .max(1440, 'must be a whole number of minutes, 1-1440')
    .default(30),
  SEALPOST_TLS_CA_FILE: readableFile('PEM').optional(),
  SEALPOST_MAIL_DOMAIN: z.string().regex(/^[a-z0-9.-]+\.[a-z0-9-]+$/i, 'must be a domain name such as example.com').optional(),
});

export type ConfigEnv = z.input<typeof schema>;

export interface ServerEndpoint {
  host: string;
  port: number;
  security: 'tls' | 'starttls' | 'none';
}

export interface AppConfig {
  imap: ServerEndpoint;
  smtp: ServerEndpoint;
  ldap: { url: string; baseDn: string };
  trustAnchorsFile: string;
  sessionSecret: string;
  sessionIdleMs: number;
  tlsCaFile: string | undefined;
  /** Appended to logins that are not addresses to make the user's address. */
  mailDomain: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example.`);
    this.name = 'ConfigError';
  }
}

/** Validates an environment; exported for tests, the app uses `config()`. */
export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  // Empty strings count as unset, so `FOO=` in an env file means "use the default".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const name = String(i.path[0]);
        const got = env[name];
        return `${name} ${i.message}${got ? ` (got "${name.includes('SECRET') ? '…' : got}")` : ''}`;
      }),
    );
  }
  const e = result.data;
  return {
    imap: { host: e.SEALPOST_IMAP_HOST, port: e.SEALPOST_IMAP_PORT, security: e.SEALPOST_IMAP_SECURITY },
    smtp: { host: e.SEALPOST_SMTP_HOST, port: e.SEALPOST_SMTP_PORT, security: e.SEALPOST_SMTP_SECURITY },
    ldap: { url: e.SEALPOST_LDAP_URL, baseDn: e.SEALPOST_LDAP_BASE_DN },
    trustAnchorsFile: e.SEALPOST_TRUST_ANCHORS,
    sessionSecret: e.SEALPOST_SESSION_SECRET,
    sessionIdleMs: e.SEALPOST_SESSION_IDLE_MINUTES * 60_000,
    tlsCaFile: e.SEALPOST_TLS_CA_FILE,
    mailDomain: e.SEALPOST_MAIL_DOMAIN,
  };
}

let cached: AppConfig | undefined;

export function config(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}
