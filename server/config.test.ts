import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { ConfigError, parseConfig } from './config';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-config-'));
const anchors = path.join(dir, 'roots.pem');
fs.writeFileSync(anchors, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const notPem = path.join(dir, 'empty.pem');
fs.writeFileSync(notPem, 'nothing here');

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
    expect(c.sessionIdleMs).toBe(30 * 60_000);
    expect(c.mailDomain).toBeUndefined();
  });

  it.each([
    ['SEALPOST_IMAP_PORT', 'abc', /SEALPOST_IMAP_PORT must be an integer 1-65535 \(got "abc"\)/],
    ['SEALPOST_SMTP_PORT', '70000', /SEALPOST_SMTP_PORT must be an integer 1-65535/],
    ['SEALPOST_IMAP_SECURITY', 'ssl', /SEALPOST_IMAP_SECURITY must be one of tls, starttls, none/],
    ['SEALPOST_LDAP_URL', 'http://x', /SEALPOST_LDAP_URL must look like ldap:\/\/host:port/],
    ['SEALPOST_LDAP_BASE_DN', 'example.com', /SEALPOST_LDAP_BASE_DN must be a DN/],
    ['SEALPOST_TRUST_ANCHORS', '/nonexistent/roots.pem', /SEALPOST_TRUST_ANCHORS must name an existing PEM file/],
    ['SEALPOST_TRUST_ANCHORS', notPem, /SEALPOST_TRUST_ANCHORS must contain at least one PEM certificate/],
    ['SEALPOST_SESSION_IDLE_MINUTES', '0', /SEALPOST_SESSION_IDLE_MINUTES must be a whole number of minutes/],
  ])('names %s when it is "%s"', (name, value, message) => {
    const found = problems({ ...good, [name]: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('names every missing variable at once', () => {
    const found = problems({ ...good, SEALPOST_IMAP_HOST: undefined, SEALPOST_SMTP_HOST: '' });
    expect(found.map((p) => p.split(' ')[0])).toEqual(['SEALPOST_IMAP_HOST', 'SEALPOST_SMTP_HOST']);
  });

  it('never echoes the session secret', () => {
    const [problem] = problems({ ...good, SEALPOST_SESSION_SECRET: 'short-secret' });
    expect(problem).toMatch(/SEALPOST_SESSION_SECRET must be at least 32 characters/);
    expect(problem).not.toContain('short-secret');
  });
});
