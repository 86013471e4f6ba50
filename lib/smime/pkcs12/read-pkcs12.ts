// Reading a PKCS#12 file (RFC 7292) from any common exporter: OpenSSL 3 (PBES2, AES-256, MAC
// HMAC-SHA256), OpenSSL 1.x and `-legacy` (RC2-40 certificates, 3DES keys), Windows and macOS
// (3DES keys, RC2-40 certificates, MAC SHA-1), NSS, and our own writer. pkijs cannot decrypt the
// legacy PBEs (../shared/notes/smime-stack.md section 1.3), so the walk and the decryption are
// ours; every byte goes through the bounded parser.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { parseAs, parseAsn1 } from '../asn1/parse-der';
import { isSmimeError, SmimeError } from '../errors';
import type { Identity } from '../keys/key-operations';
import { describePkcs8, type Pkcs8Description, softKeyFromPkcs8 } from '../keys/soft-key';
import { bmpPassword } from '../legacy/pkcs12-kdf';
import { LIMITS } from '../limits';
import { OID } from '../oids';
import { explicitContent, malformed, objectId, octetBytes, originalBytes, sequenceItems, unsignedInteger } from './der-fields';
import { certificateForKey } from './key-certificate-match';
import { decryptWithScheme, type Pkcs12Password, readScheme } from './password-based-encryption';
import { readMac } from './pkcs12-mac';
import { readSafeContents, type SafeBag } from './safe-bags';

export interface Pkcs12Key {
  pkcs8: Uint8Array;
  description: Pkcs8Description;
  friendlyName: string | null;
  /** Hex. */
  localKeyId: string | null;
  /** Matched by localKeyId, else by public key. */
  certificate: pkijs.Certificate | null;
}

export interface Pkcs12Certificate {
  certificate: pkijs.Certificate;
  der: Uint8Array;
  friendlyName: string | null;
  localKeyId: string | null;
}

export interface Pkcs12Contents {
  keys: Pkcs12Key[];
  certificates: Pkcs12Certificate[];
  algorithms: {
    /** e.g. "hmac-sha256"; null when the file has no MAC. */
    mac: string | null;
    macIterations: number | null;
    /** e.g. "pbes2-pbkdf2-hmac-sha256-aes-256-cbc", "pbe-sha1-3des", "none"; each once, in file order. */
    keyEncryption: string[];
    /** e.g. "pbes2-pbkdf2-hmac-sha256-aes-256-cbc", "pbe-sha1-rc2-40", "none". */
    certificateEncryption: string[];
    /** Iteration counts of the encryptions, each once. */
    iterations: number[];
  };
}

const wrongPassword = () => new SmimeError('wrong-password', 'The password does not open this PKCS#12 file.');

/**
 * Reads keys and certificates. A wrong password (MAC mismatch, failed decryption, decrypted bytes
 * that do not parse) is 'wrong-password'; a broken structure 'malformed-cms' or 'malformed-asn1';
 * an iteration count over the cap 'limit-exceeded' before any derivation.
 */
export async function readPkcs12(bytes: Uint8Array, password: string): Promise<Pkcs12Contents> {
  // PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData MacData OPTIONAL }
  // A copy: a Node Buffer's slice() is a view of its shared pool, which parseAsn1 would read whole.
  const [versionNode, authSafeNode, macNode] = sequenceItems(parseAsn1(new Uint8Array(bytes), 'PKCS#12 file'), 'PFX', 2, 3);
  if (unsignedInteger(versionNode, 'PFX version') !== 3) throw malformed('PFX version');
  const authSafe = contentInfo(authSafeNode);
  if (authSafe.type === OID.signedData) throw new SmimeError('unsupported-algorithm', 'PKCS#12 files in public-key integrity mode are not supported.');
  if (authSafe.type !== OID.data) throw malformed('authenticated safe type');
  const authSafeBytes = octetBytes(authSafe.content, 'authenticated safe');

  // An empty password is written by some tools as an empty BMPString (00 00) and by others
  // (Windows, OpenSSL given no password) as no bytes at all: try both.
  const candidates = password === '' ? [bmpPassword(''), new Uint8Array(0)] : [bmpPassword(password)];
  const mac = macNode ? readMac(macNode) : null;
  let bmpForms = candidates;
  if (mac) {
    const form = candidates.find((candidate) => mac.verify(authSafeBytes, candidate));
    if (!form) throw wrongPassword();
    bmpForms = [form];
  }
  const utf8 = new TextEncoder().encode(password);
  const passwords: Pkcs12Password[] = bmpForms.map((bmp) => ({ utf8, bmp }));

  const algorithms: Pkcs12Contents['algorithms'] = { mac: mac?.label ?? null, macIterations: mac?.iterations ?? null, keyEncryption: [], certificateEncryption: [], iterations: [] };
  const addOnce = (list: (string | number)[], value: string | number) => {
    if (!list.includes(value)) list.push(value);
  };
  const keys: Pkcs12Key[] = [];
  const certificates: Pkcs12Certificate[] = [];

  // AuthenticatedSafe ::= SEQUENCE OF ContentInfo, each plain data or EncryptedData.
  for (const node of sequenceItems(parseAsn1(authSafeBytes, 'PKCS#12 contents'), 'authenticated safe', 0, Infinity)) {
    const { bags, encryption } = await openSafeContents(contentInfo(node), passwords, (iterations) => addOnce(algorithms.iterations, iterations));
    for (const bag of bags) {
      if (bag.kind === 'certificate') {
        const certificate = readCertBag(bag);
        if (certificate) {
          certificates.push(certificate);
          addOnce(algorithms.certificateEncryption, encryption);
        }
      } else {
        const { pkcs8, scheme } = await readKeyBag(bag, passwords);
        if (scheme) addOnce(algorithms.iterations, scheme.iterations);
        keys.push({ pkcs8, description: describePkcs8(pkcs8), friendlyName: bag.friendlyName, localKeyId: bag.localKeyId, certificate: null });
        addOnce(algorithms.keyEncryption, scheme?.name ?? encryption);
      }
    }
  }

  for (const key of keys) {
    const byId = key.localKeyId === null ? undefined : certificates.find((c) => c.localKeyId === key.localKeyId);
    key.certificate = byId?.certificate ?? (await certificateForKey(key.pkcs8, key.description, certificates.map((c) => c.certificate)));
  }
  return { keys, certificates, algorithms };
}

/** ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER, content [0] EXPLICIT ANY OPTIONAL } */
function contentInfo(node: asn1js.AsnType | undefined): { type: string; content: asn1js.AsnType } {
  const [type, content] = sequenceItems(node, 'content info', 2, 2);
  return { type: objectId(type, 'content type'), content: explicitContent(content, 0, 'content') };
}

async function openSafeContents(
  info: { type: string; content: asn1js.AsnType },
  passwords: Pkcs12Password[],
  noteIterations: (iterations: number) => void,
): Promise<{ bags: SafeBag[]; encryption: string }> {
  if (info.type === OID.data) return { bags: readSafeContents(octetBytes(info.content, 'bag list')), encryption: 'none' };
  if (info.type !== OID.encryptedData) throw new SmimeError('unsupported-algorithm', `PKCS#12 contents of type ${info.type} are not supported.`);
  // EncryptedData ::= SEQUENCE { version, EncryptedContentInfo, unprotectedAttrs [1] OPTIONAL }
  // EncryptedContentInfo ::= SEQUENCE { contentType, contentEncryptionAlgorithm, encryptedContent [0] IMPLICIT OCTET STRING OPTIONAL }
  const [, encryptedContentInfo] = sequenceItems(info.content, 'encrypted data', 2, 3);
  const [, algorithmNode, encrypted] = sequenceItems(encryptedContentInfo, 'encrypted content info', 3, 3);
  const scheme = readScheme(algorithmNode);
  noteIterations(scheme.description.iterations);
  const ciphertext = implicitOctets(encrypted, 'encrypted content');
  const bags = await decryptTrying(passwords, scheme.kind === 'pbes2', (password) => decryptWithScheme(scheme, password, ciphertext), readSafeContents);
  return { bags, encryption: scheme.description.name };
}

async function readKeyBag(bag: SafeBag, passwords: Pkcs12Password[]): Promise<{ pkcs8: Uint8Array; scheme: { name: string; iterations: number } | null }> {
  if (bag.kind === 'key') return { pkcs8: originalBytes(bag.value), scheme: null };
  // EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }
  const [algorithmNode, data] = sequenceItems(bag.value, 'shrouded key', 2, 2);
  const scheme = readScheme(algorithmNode);
  const ciphertext = octetBytes(data, 'shrouded key data');
  const pkcs8 = await decryptTrying(passwords, scheme.kind === 'pbes2', (password) => decryptWithScheme(scheme, password, ciphertext), (plain) => {
    parseAsn1(plain, 'private key');
    return plain;
  });
  return { pkcs8, scheme: scheme.description };
}

/**
 * Tries each password encoding (PBES2 uses the UTF-8 one, the same for all); decryption and
 * parse failures mean the next one, and after the last a wrong password.
 */
async function decryptTrying<T>(passwords: Pkcs12Password[], utf8Only: boolean, decrypt: (password: Pkcs12Password) => Promise<Uint8Array>, parse: (plain: Uint8Array) => T): Promise<T> {
  for (const password of utf8Only ? passwords.slice(0, 1) : passwords) {
    try {
      return parse(await decrypt(password));
    } catch (error) {
      if (!isSmimeError(error) || !['decryption-failed', 'malformed-asn1', 'malformed-cms'].includes(error.code)) throw error;
    }
  }
  throw wrongPassword();
}

/** A [0] IMPLICIT OCTET STRING: primitive, or constructed from OCTET STRING pieces in BER. */
function implicitOctets(node: asn1js.AsnType | undefined, what: string): Uint8Array {
  if (!node || node.idBlock.tagClass !== 3 || node.idBlock.tagNumber !== 0) throw malformed(what);
  if (node instanceof asn1js.Constructed) {
    const parts = node.valueBlock.value.map((part) => octetBytes(part, what));
    const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    parts.reduce((offset, part) => (joined.set(part, offset), offset + part.length), 0);
    return joined;
  }
  return new Uint8Array((node as asn1js.Primitive).valueBlock.valueHexView);
}

/** CertBag ::= SEQUENCE { certId OBJECT IDENTIFIER, certValue [0] EXPLICIT OCTET STRING }; null for non-X.509 types. */
function readCertBag(bag: SafeBag): Pkcs12Certificate | null {
  const [id, value] = sequenceItems(bag.value, 'certificate bag', 2, 2);
  if (objectId(id, 'certificate type') !== OID.x509Certificate) return null;
  const der = octetBytes(explicitContent(value, 0, 'certificate'), 'certificate');
  const certificate = parseAs(der, 'certificate', (schema) => new pkijs.Certificate({ schema }));
  return { certificate, der, friendlyName: bag.friendlyName, localKeyId: bag.localKeyId };
}

/**
 * One Identity per key that has its certificate: a soft key over the PKCS#8, and the chain of
 * other certificates in the file that issue it (by subject and issuer name), the root left out.
 */
export function identitiesFromPkcs12(contents: Pkcs12Contents): Identity[] {
  return contents.keys.flatMap((key) => {
    if (!key.certificate) return [];
    return [{ certificate: key.certificate, key: softKeyFromPkcs8(key.pkcs8), chain: chainFor(key.certificate, contents.certificates.map((c) => c.certificate)) }];
  });
}

function chainFor(leaf: pkijs.Certificate, certificates: pkijs.Certificate[]): pkijs.Certificate[] {
  const chain: pkijs.Certificate[] = [];
  let current = leaf;
  while (chain.length < LIMITS.chainLength && !sameName(current.issuer, current.subject)) {
    const issuer = certificates.find((candidate) => candidate !== current && !chain.includes(candidate) && sameName(candidate.subject, current.issuer));
    if (!issuer || sameName(issuer.subject, issuer.issuer)) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain;
}

function sameName(a: pkijs.RelativeDistinguishedNames, b: pkijs.RelativeDistinguishedNames): boolean {
  const der = (name: pkijs.RelativeDistinguishedNames) => new Uint8Array(name.valueBeforeDecode.byteLength ? name.valueBeforeDecode : name.toSchema().toBER());
  const x = der(a);
  const y = der(b);
  return x.length === y.length && x.every((byte, i) => byte === y[i]);
}
