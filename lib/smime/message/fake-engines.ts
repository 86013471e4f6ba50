// Test support (used only by the unit tests beside it): fake CMS engines whose "CMS" is a real
// ContentInfo of the right contentType wrapping a JSON description of what it holds. The MIME
// walk sniffs real ContentInfo types; the fakes record what they were given (the exact detached
// bytes, the identities) so tests assert on it.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { parseAs } from '../asn1/parse-der';
import { SmimeError } from '../errors';
import type { Identity } from '../keys/key-operations';
import { OID } from '../oids';
import type { CertificateSummary, ContentCipherName } from '../report';
import type { SignedDataCheck, SmimeReadEngine, SmimeWriteEngine } from './engine';

/** A stand-in certificate: the walk only hands certificates to the engine. */
export interface FakeCertificate {
  name: string;
  emails: string[];
  untrusted?: boolean;
}

export const fakeCertificate = (name: string, emails: string[], untrusted = false) =>
  ({ name, emails, untrusted }) as FakeCertificate as unknown as pkijs.Certificate;
const fake = (certificate: pkijs.Certificate) => certificate as unknown as FakeCertificate;

export interface FakeSigner {
  certificate: string | null;
  /** For opaque signatures; detached ones are intact when the bytes given equal `signedBytes`. */
  intact?: boolean;
  reasons?: string[];
}

export type FakeCms =
  | { type: 'signed'; signers: FakeSigner[]; signedBytes?: string; content?: string; certificates?: string[] }
  | { type: 'enveloped' | 'auth-enveloped'; recipient: string; content: string; cipher?: ContentCipherName }
  | { type: 'compressed'; content: string };

const CONTENT_TYPES = { signed: OID.signedData, enveloped: OID.envelopedData, 'auth-enveloped': OID.authEnvelopedData, compressed: OID.compressedData };

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
/** Fake CMS fields hold bytes as base64, so byte-exactness survives JSON. */
export const bytesField = (bytes: Uint8Array | string) => b64(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes);

/** A DER ContentInfo of the fake's contentType (or `contentType` to lie about it). */
export function fakeCms(spec: FakeCms, contentType: string = CONTENT_TYPES[spec.type]): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(spec));
  const info = new pkijs.ContentInfo({ contentType, content: new asn1js.OctetString({ valueHex: json }) });
  return new Uint8Array(info.toSchema().toBER(false));
}

function readFake(der: Uint8Array): FakeCms {
  const info = parseAs(der, 'fake CMS', (schema) => new pkijs.ContentInfo({ schema }));
  const octets = info.content as asn1js.OctetString;
  return JSON.parse(new TextDecoder().decode(octets.valueBlock.valueHexView)) as FakeCms;
}

export interface ReadCalls {
  /** Each verifySignedData call: the detached content it was given, if any. */
  verified: (Uint8Array | undefined)[];
  decrypted: number;
}

export function fakeReadEngine(certificates: Record<string, pkijs.Certificate>): { engine: SmimeReadEngine<'trust'>; calls: ReadCalls } {
  const calls: ReadCalls = { verified: [], decrypted: 0 };
  const certificate = (name: string | null) => (name === null ? null : (certificates[name] ?? null));
  const engine: SmimeReadEngine<'trust'> = {
    async verifySignedData(der, options) {
      calls.verified.push(options?.detachedContent);
      const spec = readFake(der);
      if (spec.type !== 'signed') throw new SmimeError('malformed-cms', 'not a SignedData');
      const detached = options?.detachedContent;
      if (detached && spec.content !== undefined) throw new SmimeError('malformed-cms', 'eContent present with detached content');
      const check: SignedDataCheck = {
        eContentType: OID.data,
        content: spec.content === undefined ? null : unb64(spec.content),
        detached: spec.content === undefined,
        certificates: (spec.certificates ?? []).map((name) => certificates[name]!),
        crls: [],
        signers: spec.signers.map((s) => ({
          signerIdentifier: { subjectKeyIdentifier: s.certificate ?? 'none' },
          signerCertificate: certificate(s.certificate),
          intact: detached ? spec.signedBytes === b64(detached) : (s.intact ?? true),
          algorithm: 'rsa-pkcs1-sha256',
          digestAlgorithm: OID.sha256,
          weakAlgorithm: false,
          signingTime: new Date('2026-01-02T03:04:05Z'),
          capabilities: null,
          encryptionKeyPreference: null,
          encryptionCertificate: null,
          reasons: s.reasons ?? [],
        })),
      };
      return check;
    },
    async validateCertificate(cert, options, trust) {
      if (trust !== 'trust' || options.purpose !== 'signing') throw new Error('the walk passed the wrong trust or purpose');
      const untrusted = fake(cert).untrusted;
      return {
        verdict: untrusted ? 'untrusted-root' : 'trusted',
        reasons: untrusted ? ['The certificate chain ends at a root that is not trusted.'] : [],
        path: [cert],
        revocation: { status: 'good' },
      };
    },
    certificateEmails: (cert) => fake(cert).emails,
    summarizeCertificate: async (cert) => ({ subject: `CN=${fake(cert).name}`, emails: fake(cert).emails }) as CertificateSummary,
    async decryptEnvelope(der, identities: Identity[]) {
      calls.decrypted++;
      const spec = readFake(der);
      if (spec.type !== 'enveloped' && spec.type !== 'auth-enveloped') throw new SmimeError('malformed-cms', 'not an envelope');
      const recipient = identities.find((identity) => fake(identity.certificate).name === spec.recipient);
      if (!recipient) throw new SmimeError('no-matching-recipient', 'None of your keys can open this message.');
      const gcm = spec.type === 'auth-enveloped';
      return {
        content: unb64(spec.content),
        contentType: OID.data,
        contentCipher: spec.cipher ?? (gcm ? 'aes-256-gcm' : 'aes-256-cbc'),
        keyTransport: 'rsa-oaep',
        weakCipher: spec.cipher === 'des-ede3-cbc',
        integrityProtected: gcm,
        recipient,
      };
    },
    async decompressData(der) {
      const spec = readFake(der);
      if (spec.type !== 'compressed') throw new SmimeError('malformed-cms', 'not CompressedData');
      return { content: unb64(spec.content), contentType: OID.data };
    },
  };
  return { engine, calls };
}

export interface WriteCalls {
  signed: { content: Uint8Array; detached: boolean; hash?: string }[];
  encrypted: { content: Uint8Array; recipients: string[] }[];
}

/** Signs and encrypts into fake CMS that fakeReadEngine reads back. */
export function fakeWriteEngine(): { engine: SmimeWriteEngine; calls: WriteCalls } {
  const calls: WriteCalls = { signed: [], encrypted: [] };
  const engine: SmimeWriteEngine = {
    async signData(content, signer, options) {
      calls.signed.push({ content: content.slice(), detached: options.detached, hash: options.hash });
      const name = fake(signer.certificate).name;
      return options.detached
        ? fakeCms({ type: 'signed', signers: [{ certificate: name }], signedBytes: bytesField(content), certificates: [name] })
        : fakeCms({ type: 'signed', signers: [{ certificate: name }], content: bytesField(content), certificates: [name] });
    },
    micalg: (hash) => hash.toLowerCase(),
    async encryptEnvelope(content, recipients, options) {
      calls.encrypted.push({ content: content.slice(), recipients: recipients.map((r) => fake(r).name) });
      const gcm = (options?.cipher ?? 'aes-256-gcm').endsWith('gcm');
      const der = fakeCms({ type: gcm ? 'auth-enveloped' : 'enveloped', recipient: fake(recipients[0]!).name, content: bytesField(content) });
      return { der, smimeType: gcm ? 'authEnveloped-data' : 'enveloped-data', contentCipher: options?.cipher ?? 'aes-256-gcm' };
    },
  };
  return { engine, calls };
}

/** An identity whose key is never used by the fakes. */
export const fakeIdentity = (certificate: pkijs.Certificate): Identity => ({ certificate, key: { kind: 'rsa' } });
