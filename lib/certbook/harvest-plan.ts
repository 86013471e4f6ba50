// The harvest decision (issue 5): which certificates a read message adds to the address book.
// Only from a message whose whole content is covered by signatures (report.signed), and only a
// signer whose signature is intact, whose chain was 'trusted', whose algorithms are not weak, and
// whose certificate names the From address. With it, the certificate its EncryptionKeyPreference
// names, when the message carries it and it names the same address. Never from mail that does not
// verify, and never from certs-only bundles (those are imported by hand only).
import type * as pkijs from 'pkijs';

import { certificateEmails, type ReadResult, type SignatureReport } from '../smime';

import { certificateBytes, fingerprintOf, namesAddress } from './certificate-facts';
import { type CertbookEntry, type CertbookRecord, CERTBOOK_LIMITS } from './certbook-entry';
import { type KeyChangeWarning, keyChangeWarning } from './key-change';

/** lastSeen alone is written back at most this often (every read of a signed message would write otherwise). */
export const LAST_SEEN_RESOLUTION_MS = 24 * 60 * 60 * 1000;

export interface HarvestPlan {
  /** Entries to store (new, or changed); each replaces the entry with its fingerprint. */
  writes: CertbookRecord[];
  warnings: KeyChangeWarning[];
}

/** A signature good enough to learn from. */
export function harvestableSignature(signature: SignatureReport): boolean {
  return signature.intact && signature.chain === 'trusted' && signature.fromMatchesSigner && !signature.weakAlgorithm && signature.certificate !== null;
}

interface Candidate {
  certificate: pkijs.Certificate;
  der: Uint8Array;
  fingerprint: string;
  isEncryptionCertificate: boolean;
  signature: SignatureReport;
}

/** The carried certificates by fingerprint (the report's summaries name them by SHA-256). */
async function carried(result: ReadResult): Promise<Map<string, { certificate: pkijs.Certificate; der: Uint8Array }>> {
  const out = new Map<string, { certificate: pkijs.Certificate; der: Uint8Array }>();
  for (const certificate of result.certificates.slice(0, 100)) {
    const der = certificateBytes(certificate);
    out.set(await fingerprintOf(der), { certificate, der });
  }
  return out;
}

const later = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : Date.parse(a) >= Date.parse(b) ? a : b);
const sameList = (a: string[] | null, b: string[] | null) => JSON.stringify(a) === JSON.stringify(b);

/** The updated entry when a known certificate shows up again, or null when nothing worth writing changed. */
function refreshed(record: CertbookRecord, c: Candidate, now: Date): CertbookRecord | null {
  const old = record.entry;
  const signingTime = c.signature.signingTime;
  // The capabilities and the encryption preference of the newest message win.
  const newer = signingTime === null || old.signingTime === null || Date.parse(signingTime) >= Date.parse(old.signingTime);
  const entry: CertbookEntry = {
    ...old,
    origin: old.origin === 'directory' ? 'harvested' : old.origin,
    capabilities: newer && c.signature.capabilities ? c.signature.capabilities.slice(0, CERTBOOK_LIMITS.maxCapabilities) : old.capabilities,
    isEncryptionCertificate: newer ? c.isEncryptionCertificate : old.isEncryptionCertificate,
    signingTime: later(old.signingTime, signingTime),
    lastSeen: now.toISOString() > old.lastSeen ? now.toISOString() : old.lastSeen,
  };
  const changed =
    entry.origin !== old.origin ||
    !sameList(entry.capabilities, old.capabilities) ||
    entry.isEncryptionCertificate !== old.isEncryptionCertificate ||
    entry.signingTime !== old.signingTime ||
    now.getTime() - Date.parse(old.lastSeen) >= LAST_SEEN_RESOLUTION_MS;
  return changed ? { entry, certificate: record.certificate } : null;
}

/**
 * What to store from a read message. `book`: the records held now. `fromAddress`: the message's
 * From addr-spec (null: nothing is harvested). Pure apart from hashing.
 */
export async function planHarvest(result: ReadResult, fromAddress: string | null, book: readonly CertbookRecord[], now: Date = new Date()): Promise<HarvestPlan> {
  const report = result.report;
  if (fromAddress === null || !report.signed || report.partial) return { writes: [], warnings: [] };
  const byFingerprint = await carried(result);
  const candidates: Candidate[] = [];
  for (const signature of report.signatures.filter(harvestableSignature)) {
    const signer = signature.certificate!;
    const preferred = signature.encryptionCertificate;
    const found = byFingerprint.get(signer.sha256);
    // A signer found through the book (not carried) is still refreshed below by fingerprint.
    const known = book.find((r) => r.entry.fingerprint === signer.sha256);
    const signerCert = found ?? (known ? { certificate: known.certificate, der: known.entry.certificate } : undefined);
    if (signerCert && namesAddress(signerCert.certificate, fromAddress)) {
      candidates.push({ ...signerCert, fingerprint: signer.sha256, isEncryptionCertificate: preferred === null || preferred.sha256 === signer.sha256, signature });
    }
    if (preferred && preferred.sha256 !== signer.sha256) {
      const encryption = byFingerprint.get(preferred.sha256);
      if (encryption && namesAddress(encryption.certificate, fromAddress)) {
        candidates.push({ ...encryption, fingerprint: preferred.sha256, isEncryptionCertificate: true, signature });
      }
    }
  }

  const working = [...book];
  const writes: CertbookRecord[] = [];
  const warnings: KeyChangeWarning[] = [];
  for (const c of candidates) {
    if (writes.some((w) => w.entry.fingerprint === c.fingerprint)) continue;
    const existing = working.find((r) => r.entry.fingerprint === c.fingerprint);
    if (existing) {
      const updated = refreshed(existing, c, now);
      if (updated) {
        writes.push(updated);
        working.splice(working.indexOf(existing), 1, updated);
      }
      continue;
    }
    const addresses = certificateEmails(c.certificate).slice(0, CERTBOOK_LIMITS.maxAddresses);
    const changes = addresses.map((a) => keyChangeWarning(c.certificate, c.fingerprint, a, working, now)).filter((w) => w !== null);
    const record: CertbookRecord = {
      certificate: c.certificate,
      entry: {
        fingerprint: c.fingerprint,
        certificate: c.der,
        addresses,
        origin: 'harvested',
        capabilities: c.signature.capabilities?.slice(0, CERTBOOK_LIMITS.maxCapabilities) ?? null,
        firstSeen: now.toISOString(),
        lastSeen: now.toISOString(),
        signingTime: c.signature.signingTime,
        isEncryptionCertificate: c.isEncryptionCertificate,
        keyChange: changes.length ? { detectedAt: now.toISOString(), message: changes.map((w) => w.message).join(' ') } : null,
      },
    };
    writes.push(record);
    working.push(record);
    for (const w of changes) if (!warnings.some((x) => x.address === w.address)) warnings.push(w);
  }
  return { writes, warnings };
}
