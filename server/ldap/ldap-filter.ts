import 'server-only';

// LDAP search filters built from untrusted text. RFC 4515 section 3: in an assertion value the
// characters NUL, "*", "(", ")" and "\" must be written as "\" and two hex digits; everything
// else, UTF-8 included, may stand as it is. (Escaping other bytes as hex would be legal too, but
// ldapts's filter parser turns each "\xx" into one UTF-16 unit, which would break non-ASCII.)

const SPECIAL = /[\0*()\\]/g;

/** An assertion value with RFC 4515's special characters escaped, for use inside a filter. */
export function escapeFilterValue(value: string): string {
  return value.replace(SPECIAL, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Attribute descriptions only (RFC 4512 section 2.5): a filter's structure never comes from input. */
const ATTRIBUTE = /^[A-Za-z][A-Za-z0-9-]*(;[A-Za-z0-9-]+)*$/;

/**
 * Entries with an address where any of `attributes` starts with `prefix`:
 * (&(mail=*)(|(cn=Bo*)(mail=Bo*)...)). The prefix is escaped; the attribute names are ours.
 */
export function prefixFilter(attributes: readonly string[], prefix: string): string {
  if (attributes.length === 0) throw new Error('prefixFilter needs at least one attribute');
  for (const a of attributes) if (!ATTRIBUTE.test(a)) throw new Error(`not an attribute description: ${a}`);
  const value = escapeFilterValue(prefix);
  return `(&(mail=*)(|${attributes.map((a) => `(${a}=${value}*)`).join('')}))`;
}

/**
 * Entries where any of `attributes` equals `value` exactly (by the attribute's own matching
 * rule): (|(mail=bob@example.org)). The value is escaped; the attribute names are ours.
 */
export function equalityFilter(attributes: readonly string[], value: string): string {
  if (attributes.length === 0) throw new Error('equalityFilter needs at least one attribute');
  for (const a of attributes) if (!ATTRIBUTE.test(a)) throw new Error(`not an attribute description: ${a}`);
  const escaped = escapeFilterValue(value);
  return `(|${attributes.map((a) => `(${a}=${escaped})`).join('')})`;
}
