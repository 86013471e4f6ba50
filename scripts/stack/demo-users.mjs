// The demo users of the local mail stack: one list that the IMAP passwd-file, the LDAP
// directory, the demo PKI and the seeded mail are all made from. Documented in README.md.

export const DEMO_DOMAIN = 'sealpost.test'; // RFC 2606 reserves .test: it can never be a real domain.

/**
 * @typedef {object} DemoUser
 * @property {string} name        local part and IMAP login
 * @property {string} fullName    display name (non-ASCII on purpose for some)
 * @property {string} password    IMAP/SMTP password
 * @property {string} p12Password password of the user's PKCS#12 file
 * @property {'rsa-2048'|'rsa-3072'|'ec-p256'} key  key type of the S/MIME certificate
 * @property {'valid'|'revoked'|'expired'} certStatus what the demo PKI makes of the certificate
 */

/** @type {DemoUser[]} */
export const DEMO_USERS = [
  { name: 'alice', fullName: 'Alice Liddell', key: 'rsa-2048', certStatus: 'valid' },
  { name: 'bob', fullName: 'Bob Ødegård', key: 'rsa-3072', certStatus: 'valid' },
  { name: 'carol', fullName: 'Carol Müller', key: 'ec-p256', certStatus: 'valid' },
  { name: 'dave', fullName: 'Dave Revoked', key: 'rsa-2048', certStatus: 'revoked' },
  { name: 'erin', fullName: 'Erin Expired', key: 'rsa-2048', certStatus: 'expired' },
].map((u) => ({ ...u, password: `${u.name}-pass`, p12Password: `${u.name}-p12` }));

export const emailOf = (user) => `${user.name}@${DEMO_DOMAIN}`;

/**
 * Mailbox-only users for automated tests: no certificate, no directory entry, no seeded mail.
 * Each e2e area owns its own users, so parallel tests never see each other's changes.
 * Password `<name>-pass`, address `<name>@sealpost.test`.
 */
export const TEST_MAILBOX_USERS = [
  'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter',
].map((name) => ({ name, password: `${name}-pass` }));
