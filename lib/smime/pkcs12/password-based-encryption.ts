// The password-based encryption schemes PKCS#12 files use for keys and certificate bags:
// PBES2 (RFC 8018 section 6.2: PBKDF2 with HMAC-SHA1/256/384/512, then AES-CBC or DES-EDE3-CBC),
// through WebCrypto where it can, and the legacy PKCS#12 PBEs (RFC 7292 appendix C: SHA-1 and the
// PKCS#12 KDF, then 3DES or RC2), through our decrypt-only ciphers.
import * as asn1js from 'asn1js';

import { SmimeError } from '../errors';
import { pkcs12KdfBytes } from '../legacy/pkcs12-kdf';
import { LIMITS } from '../limits';
import { OID } from '../oids';
import { type HashName, ownBuffer, webCrypto } from '../web-crypto';
import { type Algorithm, algorithm, malformed, octetBytes, sequenceItems, unsignedInteger } from './der-fields';

/** The password in the two encodings PKCS#12 uses: UTF-8 for PBES2, a BMPString for the rest. */
export interface Pkcs12Password {
  utf8: Uint8Array;
  /** BMPString with its 00 00, or empty for files made with "no password" (see read-pkcs12.ts). */
  bmp: Uint8Array;
}

export interface SchemeDescription {
  /** e.g. "pbes2-pbkdf2-hmac-sha256-aes-256-cbc", "pbe-sha1-3des", "pbe-sha1-rc2-40". */
  name: string;
  iterations: number;
}

const PRFS: Record<string, { hash: HashName; name: string }> = {
  [OID.hmacWithSha1]: { hash: 'SHA-1', name: 'hmac-sha1' },
  [OID.hmacWithSha256]: { hash: 'SHA-256', name: 'hmac-sha256' },
  [OID.hmacWithSha384]: { hash: 'SHA-384', name: 'hmac-sha384' },
  [OID.hmacWithSha512]: { hash: 'SHA-512', name: 'hmac-sha512' },
};

const PBES2_CIPHERS: Record<string, { name: string; keyLength: number; ivLength: number }> = {
  [OID.aes128Cbc]: { name: 'aes-128-cbc', keyLength: 16, ivLength: 16 },
  [OID.aes192Cbc]: { name: 'aes-192-cbc', keyLength: 24, ivLength: 16 },
  [OID.aes256Cbc]: { name: 'aes-256-cbc', keyLength: 32, ivLength: 16 },
  [OID.desEde3Cbc]: { name: 'des-ede3-cbc', keyLength: 24, ivLength: 8 },
};

// The 3DES and RC2 code is loaded on first use: only old exports need it.
const desEde3 = async (key: Uint8Array, iv: Uint8Array, data: Uint8Array) => (await import('../legacy/des-ede3')).decryptDesEde3Cbc(key, iv, data);
const rc2 = (bits: number) => async (key: Uint8Array, iv: Uint8Array, data: Uint8Array) => (await import('../legacy/rc2')).decryptRc2Cbc(key, bits, iv, data);

const LEGACY_PBES: Record<string, { name: string; keyLength: number; decrypt: (key: Uint8Array, iv: Uint8Array, data: Uint8Array) => Promise<Uint8Array> }> = {
  [OID.pbeWithSha1And3KeyTripleDesCbc]: { name: 'pbe-sha1-3des', keyLength: 24, decrypt: desEde3 },
  [OID.pbeWithSha1And128BitRc2Cbc]: { name: 'pbe-sha1-rc2-128', keyLength: 16, decrypt: rc2(128) },
  [OID.pbeWithSha1And40BitRc2Cbc]: { name: 'pbe-sha1-rc2-40', keyLength: 5, decrypt: rc2(40) },
};

interface Pbes2 {
  kind: 'pbes2';
  description: SchemeDescription;
  salt: Uint8Array;
  prf: HashName;
  cipher: { oid: string; keyLength: number; iv: Uint8Array };
}

interface LegacyPbe {
  kind: 'legacy';
  description: SchemeDescription;
  salt: Uint8Array;
  scheme: (typeof LEGACY_PBES)[string];
}

/** Reads the scheme's parameters and applies the iteration cap, without deriving anything. */
export function readScheme(node: asn1js.AsnType | undefined): Pbes2 | LegacyPbe {
  const { oid, params } = algorithm(node, 'encryption algorithm');
  if (oid === OID.pbes2) return readPbes2(params);
  const scheme = LEGACY_PBES[oid];
  if (!scheme) throw new SmimeError('unsupported-algorithm', `The PKCS#12 file uses the encryption algorithm ${oid}, which is not supported.`);
  // pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }
  const [salt, iterations] = sequenceItems(params, 'PBE parameters', 2, 2);
  return { kind: 'legacy', description: { name: scheme.name, iterations: checkedIterations(unsignedInteger(iterations, 'PBE iterations')) }, salt: octetBytes(salt, 'PBE salt'), scheme };
}

function readPbes2(params: asn1js.AsnType | undefined): Pbes2 {
  const [kdfNode, cipherNode] = sequenceItems(params, 'PBES2 parameters', 2, 2);
  const kdf = algorithm(kdfNode, 'PBES2 key derivation');
  if (kdf.oid !== OID.pbkdf2) throw new SmimeError('unsupported-algorithm', `The PKCS#12 file derives keys with ${kdf.oid}, which is not supported.`);
  // PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER, keyLength INTEGER OPTIONAL, prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }
  const items = sequenceItems(kdf.params, 'PBKDF2 parameters', 2, 4);
  const salt = octetBytes(items[0], 'PBKDF2 salt');
  const iterations = checkedIterations(unsignedInteger(items[1], 'PBKDF2 iterations'));
  let rest = items.slice(2);
  let keyLength: number | null = null;
  if (rest[0] instanceof asn1js.Integer) {
    keyLength = unsignedInteger(rest[0], 'PBKDF2 key length');
    rest = rest.slice(1);
  }
  if (rest.length > 1) throw malformed('PBKDF2 parameters');
  const prfOid = rest[0] ? algorithm(rest[0], 'PBKDF2 PRF').oid : OID.hmacWithSha1;
  const prf = PRFS[prfOid];
  if (!prf) throw new SmimeError('unsupported-algorithm', `The PKCS#12 file uses the PBKDF2 PRF ${prfOid}, which is not supported.`);
  const cipherAlgorithm: Algorithm = algorithm(cipherNode, 'PBES2 cipher');
  const cipher = PBES2_CIPHERS[cipherAlgorithm.oid];
  if (!cipher) throw new SmimeError('unsupported-algorithm', `The PKCS#12 file uses the cipher ${cipherAlgorithm.oid}, which is not supported.`);
  const iv = octetBytes(cipherAlgorithm.params, 'PBES2 IV');
  if (iv.length !== cipher.ivLength || (keyLength !== null && keyLength !== cipher.keyLength)) throw malformed('PBES2 parameters');
  return {
    kind: 'pbes2',
    description: { name: `pbes2-pbkdf2-${prf.name}-${cipher.name}`, iterations },
    salt,
    prf: prf.hash,
    cipher: { oid: cipherAlgorithm.oid, keyLength: cipher.keyLength, iv },
  };
}

function checkedIterations(iterations: number): number {
  if (iterations < 1) throw malformed('iteration count');
  if (iterations > LIMITS.keyDerivationIterations) {
    throw new SmimeError('limit-exceeded', `Key derivation with over ${LIMITS.keyDerivationIterations} iterations is refused.`);
  }
  return iterations;
}

/** Decrypts with the scheme; any failure of the decryption itself is 'decryption-failed'. */
export async function decryptWithScheme(scheme: Pbes2 | LegacyPbe, password: Pkcs12Password, ciphertext: Uint8Array): Promise<Uint8Array> {
  const { iterations } = scheme.description;
  if (scheme.kind === 'legacy') {
    const key = pkcs12KdfBytes('SHA-1', password.bmp, scheme.salt, iterations, 1, scheme.scheme.keyLength);
    const iv = pkcs12KdfBytes('SHA-1', password.bmp, scheme.salt, iterations, 2, 8);
    return scheme.scheme.decrypt(key, iv, ciphertext);
  }
  const key = await pbkdf2(password.utf8, scheme.salt, iterations, scheme.prf, scheme.cipher.keyLength);
  if (scheme.cipher.oid === OID.desEde3Cbc) return desEde3(key, scheme.cipher.iv, ciphertext);
  try {
    const aesKey = await webCrypto().subtle.importKey('raw', ownBuffer(key), 'AES-CBC', false, ['decrypt']);
    return new Uint8Array(await webCrypto().subtle.decrypt({ name: 'AES-CBC', iv: ownBuffer(scheme.cipher.iv) }, aesKey, ownBuffer(ciphertext)));
  } catch {
    throw new SmimeError('decryption-failed', 'The PKCS#12 contents could not be decrypted.');
  }
}

/** PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC: what we write. Returns the AlgorithmIdentifier and the ciphertext. */
export async function encryptPbes2(plaintext: Uint8Array, password: string, iterations: number): Promise<{ algorithm: asn1js.Sequence; ciphertext: Uint8Array }> {
  const salt = webCrypto().getRandomValues(new Uint8Array(16));
  const iv = webCrypto().getRandomValues(new Uint8Array(16));
  const key = await pbkdf2(new TextEncoder().encode(password), salt, checkedIterations(iterations), 'SHA-256', 32);
  const aesKey = await webCrypto().subtle.importKey('raw', ownBuffer(key), 'AES-CBC', false, ['encrypt']);
  const ciphertext = new Uint8Array(await webCrypto().subtle.encrypt({ name: 'AES-CBC', iv: ownBuffer(iv) }, aesKey, ownBuffer(plaintext)));
  const algorithmId = (oid: string, params: asn1js.AsnType) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), params] });
  const pbkdf2Params = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: salt }), new asn1js.Integer({ value: iterations }), algorithmId(OID.hmacWithSha256, new asn1js.Null())],
  });
  return {
    algorithm: algorithmId(OID.pbes2, new asn1js.Sequence({ value: [algorithmId(OID.pbkdf2, pbkdf2Params), algorithmId(OID.aes256Cbc, new asn1js.OctetString({ valueHex: iv }))] })),
    ciphertext,
  };
}

async function pbkdf2(password: Uint8Array, salt: Uint8Array, iterations: number, hash: HashName, length: number): Promise<Uint8Array> {
  const subtle = webCrypto().subtle;
  const base = await subtle.importKey('raw', ownBuffer(password), 'PBKDF2', false, ['deriveBits']);
  return new Uint8Array(await subtle.deriveBits({ name: 'PBKDF2', salt: ownBuffer(salt), iterations, hash }, base, length * 8));
}

