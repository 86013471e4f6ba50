import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { CONFIG_VARIABLES, ConfigError, parseConfig } from './config';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-config-'));
const anchors = path.join(dir, 'roots.pem');
fs.writeFileSync(anchors, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const notPem = path.join(dir, 'empty.pem');
fs.writeFileSync(notPem, 'nothing here');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const good = {
  SEALPOST_IMAP_HOST: 'imap.example.com',
  SEALPOST_IMAP_PORT: '993',
  SEALPOST_IMAP_SECURITY: 'tls',
  SEALPOST_SMTP_HOST: 'smtp.example.com',
  SEALPOST_SMTP_PORT: '587',
  SEALPOST_SMTP_SECURITY: 'starttls',
  SEALPOST_LDAP_URL: 'ldaps://ldap.example.com:636',
  SEALPOST_LDAP_BASE_DN: 'dc=example,dc=com',
  SEALPOST_TRUST_ANCHORS: anchors,
  SEALPOST_SESSION_SECRET: 'x'.repeat(32),
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('parseConfig', () => {
  it('accepts a complete configuration and applies defaults', () => {
    const c = parseConfig(good);
    expect(c.imap).toEqual({ host: 'imap.example.com', port: 993, security: 'tls' });
    expect(c.smtp).toEqual({ host: 'smtp.example.com', port: 587, security: 'starttls' });
    expect(c.ldap).toEqual({
      url: 'ldaps://ldap.example.com:636',
      baseDn: 'dc=example,dc=com',
      bindDn: undefined,
      bindPassword: undefined,
      connectTimeoutMs: 3000,
      timeoutMs: 5000,
    });
    expect(c.sessionIdleMs).toBe(30 * 60_000);
    expect(c.tlsCaFile).toBeUndefined();
    expect(c.mailDomain).toBeUndefined();
  });

  it('reads the optional variables', () => {
    const c = parseConfig({ ...good, SEALPOST_SESSION_IDLE_MINUTES: '5', SEALPOST_TLS_CA_FILE: anchors, SEALPOST_MAIL_DOMAIN: 'example.com' });
    expect(c.sessionIdleMs).toBe(5 * 60_000);
    expect(c.tlsCaFile).toBe(anchors);
    expect(c.mailDomain).toBe('example.com');
  });

  it('reads the LDAP bind and timeouts', () => {
    const c = parseConfig({
      ...good,
      SEALPOST_LDAP_BIND_DN: 'cn=sealpost,ou=services,dc=example,dc=com',
      SEALPOST_LDAP_BIND_PASSWORD: 's3cret',
      SEALPOST_LDAP_CONNECT_TIMEOUT_MS: '1500',
      SEALPOST_LDAP_TIMEOUT_MS: '2500',
    });
    expect(c.ldap).toMatchObject({ bindDn: 'cn=sealpost,ou=services,dc=example,dc=com', bindPassword: 's3cret', connectTimeoutMs: 1500, timeoutMs: 2500 });
  });

  it('reads the PKI relay settings, with defaults of 10 MB, 10 s and no exceptions', () => {
    const defaults = parseConfig(good).pkiFetch;
    expect(defaults).toMatchObject({ maxBytes: 10 * 1024 * 1024, timeoutMs: 10_000 });
    expect(defaults.allow.hosts.size).toBe(0);
    expect(defaults.allow.subnets.check('127.0.0.1')).toBe(false);
    const c = parseConfig({ ...good, SEALPOST_PKI_FETCH_ALLOW: 'pki.internal, 127.0.0.1/32', SEALPOST_PKI_FETCH_MAX_BYTES: '2048', SEALPOST_PKI_FETCH_TIMEOUT_MS: '500' }).pkiFetch;
    expect(c).toMatchObject({ maxBytes: 2048, timeoutMs: 500 });
    expect([...c.allow.hosts]).toEqual(['pki.internal']);
    expect(c.allow.subnets.check('127.0.0.1')).toBe(true);
    expect(problems({ ...good, SEALPOST_PKI_FETCH_ALLOW: '10.0.0.0/40' })[0]).toMatch(/^SEALPOST_PKI_FETCH_ALLOW must be comma-separated host names/);
  });

  it('wants the LDAP bind DN and password together', () => {
    expect(problems({ ...good, SEALPOST_LDAP_BIND_DN: 'cn=x,dc=example,dc=com' })).toEqual(['SEALPOST_LDAP_BIND_PASSWORD is required']);
    expect(problems({ ...good, SEALPOST_LDAP_BIND_PASSWORD: 'pw' })).toEqual(['SEALPOST_LDAP_BIND_DN is required']);
  });

  it('says which problem it found in one line starting "Invalid configuration:"', () => {
    expect(() => parseConfig({ ...good, SEALPOST_IMAP_PORT: 'abc' })).toThrow(
      'Invalid configuration: SEALPOST_IMAP_PORT must be an integer 1-65535 (got "abc")',
    );
  });

  it.each([
    ['SEALPOST_IMAP_HOST', 'imap example', /^SEALPOST_IMAP_HOST must be a host name or IP address/],
    ['SEALPOST_IMAP_PORT', 'abc', /^SEALPOST_IMAP_PORT must be an integer 1-65535 \(got "abc"\)$/],
    ['SEALPOST_IMAP_PORT', '1e3', /^SEALPOST_IMAP_PORT must be an integer 1-65535/],
    ['SEALPOST_IMAP_PORT', '0', /^SEALPOST_IMAP_PORT must be an integer 1-65535/],
    ['SEALPOST_IMAP_SECURITY', 'ssl', /^SEALPOST_IMAP_SECURITY must be one of tls, starttls, none \(got "ssl"\)$/],
    ['SEALPOST_SMTP_HOST', 'smtp/x', /^SEALPOST_SMTP_HOST must be a host name/],
    ['SEALPOST_SMTP_PORT', '70000', /^SEALPOST_SMTP_PORT must be an integer 1-65535 \(got "70000"\)$/],
    ['SEALPOST_SMTP_SECURITY', 'TLS1.2', /^SEALPOST_SMTP_SECURITY must be one of tls, starttls, none/],
    ['SEALPOST_LDAP_URL', 'http://x', /^SEALPOST_LDAP_URL must look like ldap:\/\/host:port/],
    ['SEALPOST_LDAP_BASE_DN', 'example.com', /^SEALPOST_LDAP_BASE_DN must be a DN/],
    ['SEALPOST_LDAP_CONNECT_TIMEOUT_MS', '99', /^SEALPOST_LDAP_CONNECT_TIMEOUT_MS must be a whole number of milliseconds, 100-60000/],
    ['SEALPOST_LDAP_TIMEOUT_MS', '60001', /^SEALPOST_LDAP_TIMEOUT_MS must be a whole number of milliseconds, 100-60000/],
    ['SEALPOST_TRUST_ANCHORS', '/nonexistent/roots.pem', /^SEALPOST_TRUST_ANCHORS must name an existing PEM file/],
    ['SEALPOST_TRUST_ANCHORS', dir, /^SEALPOST_TRUST_ANCHORS must name an existing PEM file/],
    ['SEALPOST_TRUST_ANCHORS', notPem, /^SEALPOST_TRUST_ANCHORS must contain at least one PEM certificate/],
    ['SEALPOST_SESSION_SECRET', 'short', /^SEALPOST_SESSION_SECRET must be at least 32 characters/],
    ['SEALPOST_SESSION_IDLE_MINUTES', '0', /^SEALPOST_SESSION_IDLE_MINUTES must be a whole number of minutes, 1-1440/],
    ['SEALPOST_SESSION_IDLE_MINUTES', '2.5', /^SEALPOST_SESSION_IDLE_MINUTES must be a whole number of minutes/],
    ['SEALPOST_TLS_CA_FILE', '/nonexistent/ca.pem', /^SEALPOST_TLS_CA_FILE must name an existing PEM file/],
    ['SEALPOST_TLS_CA_FILE', notPem, /^SEALPOST_TLS_CA_FILE must contain at least one PEM certificate/],
    ['SEALPOST_MAIL_DOMAIN', 'not a domain', /^SEALPOST_MAIL_DOMAIN must be a domain name/],
  ])('names %s when it is "%s"', (name, value, message) => {
    const found = problems({ ...good, [name]: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it.each(Object.keys(good))('names %s when it is missing', (name) => {
    expect(problems({ ...good, [name]: undefined })).toEqual([`${name} is required`]);
  });

  it('names every bad variable at once, and counts an empty value as unset', () => {
    const found = problems({ ...good, SEALPOST_IMAP_HOST: undefined, SEALPOST_SMTP_HOST: '', SEALPOST_SMTP_PORT: 'x' });
    expect(found.map((p) => p.split(' ')[0])).toEqual(['SEALPOST_IMAP_HOST', 'SEALPOST_SMTP_HOST', 'SEALPOST_SMTP_PORT']);
    expect(parseConfig({ ...good, SEALPOST_SESSION_IDLE_MINUTES: '', SEALPOST_TLS_CA_FILE: '' }).tlsCaFile).toBeUndefined();
  });

  it('never echoes the session secret', () => {
    const [problem] = problems({ ...good, SEALPOST_SESSION_SECRET: 'short-secret' });
    expect(problem).toBe('SEALPOST_SESSION_SECRET must be at least 32 characters (got 12 characters)');
  });

  it('never echoes the LDAP bind password', () => {
    const found = problems({ ...good, SEALPOST_LDAP_BIND_DN: 'admin', SEALPOST_LDAP_BIND_PASSWORD: 'hunter2' });
    expect(found).toEqual(['SEALPOST_LDAP_BIND_DN must be a DN such as dc=example,dc=com (got "admin")']);
  });

  it('knows every variable that .env.example documents, and no other', () => {
    const example = fs.readFileSync(path.join(__dirname, '..', '.env.example'), 'utf8');
    const documented = [...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});
