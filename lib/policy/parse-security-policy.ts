// Reads the administrator's policy (the JSON of SEALPOST_POLICY_FILE on the server, the same
// object again in the browser from GET /api/security) strictly: unknown settings, wrong types and
// unsafe choices (RC2, 3DES, SHA-1 only, RSA under 2048 bits) are refused with one sentence each,
// never silently dropped. Settings left out take DEFAULT_SECURITY_POLICY's value.
import {
  DEFAULT_SECURITY_POLICY,
  SEND_CIPHERS,
  SIGNATURE_HASHES,
  type RevocationMode,
  type SecurityPolicy,
  type SendCipherChoice,
  type SignatureHash,
} from './security-policy';

export const MIN_RSA_BITS_FLOOR = 2048;
export const MIN_RSA_BITS_CEILING = 16384;

const REVOCATION_MODES: readonly RevocationMode[] = ['off', 'soft-fail', 'hard-fail'];
const SIGNING_FORMATS: readonly SecurityPolicy['defaultSigningFormat'][] = ['clear', 'opaque'];
const SETTINGS = Object.keys(DEFAULT_SECURITY_POLICY) as (keyof SecurityPolicy)[];

export class PolicyError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'PolicyError';
  }
}

const quote = (value: unknown) => JSON.stringify(value) ?? String(value);

export function parseSecurityPolicy(input: unknown): SecurityPolicy {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new PolicyError(['the policy must be a JSON object of settings']);
  }
  const given = input as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(given)) {
    if (!(SETTINGS as string[]).includes(key)) problems.push(`unknown setting ${quote(key)} (known: ${SETTINGS.join(', ')})`);
  }

  const boolean = (key: keyof SecurityPolicy, fallback: boolean): boolean => {
    const value = given[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') {
      problems.push(`${key} must be true or false (got ${quote(value)})`);
      return fallback;
    }
    return value;
  };
  const oneOf = <T extends string>(key: keyof SecurityPolicy, allowed: readonly T[], fallback: T): T => {
    const value = given[key];
    if (value === undefined) return fallback;
    if (!allowed.includes(value as T)) {
      problems.push(`${key} must be one of ${allowed.join(', ')} (got ${quote(value)})`);
      return fallback;
    }
    return value as T;
  };
  const list = <T extends string>(key: keyof SecurityPolicy, check: (item: unknown) => string | null, fallback: T[]): T[] => {
    const value = given[key];
    if (value === undefined) return [...fallback];
    if (!Array.isArray(value) || value.length === 0) {
      problems.push(`${key} must be a non-empty list (got ${quote(value)})`);
      return [...fallback];
    }
    const before = problems.length;
    for (const item of value) {
      const problem = check(item);
      if (problem) problems.push(`${key}: ${problem}`);
    }
    if (new Set(value).size !== value.length) problems.push(`${key} names a value twice`);
    return problems.length === before ? (value as T[]) : [...fallback];
  };

  const policy: SecurityPolicy = {
    requireSigning: boolean('requireSigning', DEFAULT_SECURITY_POLICY.requireSigning),
    requireEncryption: boolean('requireEncryption', DEFAULT_SECURITY_POLICY.requireEncryption),
    allowedSendCiphers: list<SendCipherChoice>('allowedSendCiphers', checkSendCipher, DEFAULT_SECURITY_POLICY.allowedSendCiphers),
    minRsaBits: minRsaBits(given.minRsaBits, problems),
    allowedSignatureHashes: list<SignatureHash>('allowedSignatureHashes', checkHash, DEFAULT_SECURITY_POLICY.allowedSignatureHashes),
    // Requiring encryption rules out plaintext copies unless the administrator says otherwise
    // (and then the check below refuses the contradiction).
    allowUnencryptedToRecipientsWithoutCertificate: boolean(
      'allowUnencryptedToRecipientsWithoutCertificate',
      given.requireEncryption === true ? false : DEFAULT_SECURITY_POLICY.allowUnencryptedToRecipientsWithoutCertificate,
    ),
    revocation: oneOf('revocation', REVOCATION_MODES, DEFAULT_SECURITY_POLICY.revocation),
    defaultSigningFormat: oneOf('defaultSigningFormat', SIGNING_FORMATS, DEFAULT_SECURITY_POLICY.defaultSigningFormat),
    everyoneReadsGcm: boolean('everyoneReadsGcm', DEFAULT_SECURITY_POLICY.everyoneReadsGcm),
  };

  if (policy.requireEncryption && policy.allowUnencryptedToRecipientsWithoutCertificate) {
    problems.push('requireEncryption and allowUnencryptedToRecipientsWithoutCertificate contradict each other: a plaintext copy is not encrypted');
  }
  if (!policy.allowedSignatureHashes.some((hash) => hash !== 'SHA-1')) {
    problems.push('allowedSignatureHashes must include SHA-256, SHA-384 or SHA-512 (mail is never signed with SHA-1)');
  }
  if (policy.everyoneReadsGcm && !policy.allowedSendCiphers.some((cipher) => cipher.endsWith('-gcm'))) {
    problems.push('everyoneReadsGcm needs an AES-GCM cipher in allowedSendCiphers');
  }
  if (problems.length > 0) throw new PolicyError(problems);
  return policy;
}

function checkSendCipher(item: unknown): string | null {
  if (typeof item === 'string' && /rc2|des/i.test(item)) return `${quote(item)} is never allowed: RC2 and 3DES are broken`;
  if (!SEND_CIPHERS.includes(item as SendCipherChoice)) return `${quote(item)} is not one of ${SEND_CIPHERS.join(', ')}`;
  return null;
}

function checkHash(item: unknown): string | null {
  return SIGNATURE_HASHES.includes(item as SignatureHash) ? null : `${quote(item)} is not one of ${SIGNATURE_HASHES.join(', ')}`;
}

function minRsaBits(value: unknown, problems: string[]): number {
  if (value === undefined) return DEFAULT_SECURITY_POLICY.minRsaBits;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_RSA_BITS_FLOOR || value > MIN_RSA_BITS_CEILING) {
    problems.push(`minRsaBits must be a whole number of bits, ${MIN_RSA_BITS_FLOOR}-${MIN_RSA_BITS_CEILING} (got ${quote(value)})`);
    return DEFAULT_SECURITY_POLICY.minRsaBits;
  }
  return value;
}
