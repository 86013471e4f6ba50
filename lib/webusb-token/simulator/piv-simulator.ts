// A PIV card (NIST SP 800-73-4) in software: the oracle our PIV client is tested against, itself
// accepted by OpenSC and yubico-piv-tool (tests/integration/piv-simulator-clients.test.ts). It
// answers as a YubiKey 5 does where the standard leaves room (APT, Discovery, CHUID, CCC, INS FD/F8),
// because both clients have code paths tuned to that card.
import { p256, p384 } from '@noble/curves/nist.js';
import * as asn1js from 'asn1js';

import { concatBytes } from '../../bytes';
import { rsaPrivateKeyFromPkcs8, type RsaPrivateKey } from '../../smime/rsa/rsa-key';
import { rsaPrivateOperation } from '../../smime/rsa/rsa-private-operation';
import { bigIntToBytes, byteLength, bytesToBigInt } from '../../smime/rsa/big-int-bytes';
import { TokenError } from '../errors';
import type { SimulatedCard } from '../transport';

export interface SimulatedSlot {
  /** The private key as an unencrypted PKCS#8 PrivateKeyInfo (DER): RSA 1024-4096, EC P-256 or P-384. */
  privateKeyPkcs8: Uint8Array;
  /** The slot's X.509 certificate (DER). */
  certificateDer: Uint8Array;
  /** Store the certificate gzip-compressed (CertInfo 0x01), as large certificates are on real cards. */
  compressCertificate?: boolean;
}

export interface PivSimulatorProfile {
  /** 6 to 8 ASCII characters; default "123456". */
  pin?: string;
  /** 6 to 8 ASCII characters; default "12345678". */
  puk?: string;
  /** Tries before the PIN (and PUK) block; default 3. */
  pinRetries?: number;
  /** Key reference (0x9A, 0x9C, 0x9D, 0x9E, retired 0x82..0x95) to its key and certificate. Fill retired slots from 0x82 on: clients read Key History as a count. */
  slots?: Record<number, SimulatedSlot>;
  /** The YubiKey serial number (INS F8) and the source of the CHUID GUID; default 12345678. */
  serial?: number;
}

/** A YubiKey 5's ATR: T=1, historical bytes "...YubiKey@", TCK 0x40 (ISO 7816-3 section 8.2.5). */
export const YUBIKEY_ATR = Uint8Array.of(0x3b, 0xfd, 0x13, 0x00, 0x00, 0x81, 0x31, 0xfe, 0x15, 0x80, 0x73, 0xc0, 0x21, 0xc0, 0x57, 0x59, 0x75, 0x62, 0x69, 0x4b, 0x65, 0x79, 0x40);

/** The PIV AID with its version (SP 800-73-4 part 1 section 2.2); SELECT may name any prefix of 5+ bytes. */
const PIV_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00);
/** Chained command data beyond this is refused: the largest real command (RSA-4096 GA) is ~520 bytes. */
export const MAX_CHAINED_COMMAND = 4096;
/** Longer APDUs than an extended one can be are malformed. */
const MAX_APDU = 7 + 65535 + 3;

const SW = {
  ok: 0x9000,
  wrongLength: 0x6700,
  securityNotSatisfied: 0x6982,
  blocked: 0x6983,
  conditionsNotSatisfied: 0x6985,
  incorrectData: 0x6a80,
  notFound: 0x6a82,
  incorrectP1P2: 0x6a86,
  referenceNotFound: 0x6a88,
  insNotSupported: 0x6d00,
  claNotSupported: 0x6e00,
} as const;

/** Certificate objects (SP 800-73-4 part 1 table 3 and section 3.3.2): key reference to object tag. */
const CERT_OBJECT_BY_SLOT = new Map<number, number>([
  [0x9a, 0x5fc105],
  [0x9c, 0x5fc10a],
  [0x9d, 0x5fc10b],
  [0x9e, 0x5fc101],
  ...Array.from({ length: 20 }, (_, i): [number, number] => [0x82 + i, 0x5fc10d + i]),
]);

type SlotKey =
  | { kind: 'rsa'; algorithm: number; key: RsaPrivateKey }
  | { kind: 'ec'; algorithm: number; curve: typeof p256; scalar: Uint8Array; fieldBytes: number };

interface Slot {
  key: SlotKey;
  certificate: SimulatedSlot;
  /** The 53 object, built on first read (compression is asynchronous). */
  object?: Promise<Uint8Array>;
}

interface Apdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Uint8Array;
  /** Bytes the host accepts in the answer (Le, 256 when absent). */
  le: number;
}

// --- bytes and BER-TLV (ISO 7816-4 section 5.2) ---


function tagBytes(tag: number): Uint8Array {
  if (tag > 0xffff) return Uint8Array.of(tag >> 16, (tag >> 8) & 0xff, tag & 0xff);
  if (tag > 0xff) return Uint8Array.of(tag >> 8, tag & 0xff);
  return Uint8Array.of(tag);
}

function tlv(tag: number, value: Uint8Array): Uint8Array {
  const n = value.length;
  const length = n < 0x80 ? Uint8Array.of(n) : n <= 0xff ? Uint8Array.of(0x81, n) : Uint8Array.of(0x82, n >> 8, n & 0xff);
  return concatBytes(tagBytes(tag), length, value);
}

/** The top-level TLVs of `bytes`, or null when they do not parse exactly. */
function parseTlvs(bytes: Uint8Array): Map<number, Uint8Array> | null {
  const out = new Map<number, Uint8Array>();
  let at = 0;
  while (at < bytes.length) {
    let tag = bytes[at++]!;
    if ((tag & 0x1f) === 0x1f) {
      for (let i = 0; ; i++) {
        if (at >= bytes.length || i === 2) return null;
        const b = bytes[at++]!;
        tag = (tag << 8) | b;
        if (!(b & 0x80)) break;
      }
    }
    if (at >= bytes.length) return null;
    let length = bytes[at++]!;
    if (length > 0x80) {
      const count = length - 0x80;
      if (count > 2 || at + count > bytes.length) return null;
      length = 0;
      for (let i = 0; i < count; i++) length = (length << 8) | bytes[at++]!;
    } else if (length === 0x80) return null;
    if (at + length > bytes.length) return null;
    out.set(tag, bytes.subarray(at, at + length));
    at += length;
  }
  return out;
}

function withSw(data: Uint8Array, sw: number): Uint8Array {
  return concatBytes(data, Uint8Array.of(sw >> 8, sw & 0xff));
}

const status = (sw: number) => withSw(new Uint8Array(0), sw);

/** ISO 7816-4 section 5.1 short and extended forms; null when the lengths do not add up. */
function parseApdu(bytes: Uint8Array): Apdu | null {
  if (bytes.length < 4 || bytes.length > MAX_APDU) return null;
  const [cla, ins, p1, p2] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  const apdu = (data: Uint8Array, le: number): Apdu => ({ cla, ins, p1, p2, data, le });
  const body = bytes.subarray(4);
  if (body.length === 0) return apdu(body, 256);
  if (body.length === 1) return apdu(body.subarray(1), body[0] || 256);
  if (body[0] !== 0) {
    const lc = body[0]!;
    if (body.length === 1 + lc) return apdu(body.subarray(1), 256);
    if (body.length === 2 + lc) return apdu(body.subarray(1, 1 + lc), body[1 + lc] || 256);
    return null;
  }
  // Extended: 00 then Le(2) alone, or Lc(2) data [Le(2)].
  if (body.length === 3) return apdu(body.subarray(3), (body[1]! << 8 | body[2]!) || 65536);
  if (body.length < 3) return null;
  const lc = (body[1]! << 8) | body[2]!;
  if (lc === 0) return null;
  if (body.length === 3 + lc) return apdu(body.subarray(3, 3 + lc), 65536);
  if (body.length === 5 + lc) return apdu(body.subarray(3, 3 + lc), (body[3 + lc]! << 8 | body[4 + lc]!) || 65536);
  return null;
}

// --- keys ---

const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const CURVES: Record<string, { curve: typeof p256; algorithm: number; fieldBytes: number }> = {
  '1.2.840.10045.3.1.7': { curve: p256, algorithm: 0x11, fieldBytes: 32 },
  '1.3.132.0.34': { curve: p384, algorithm: 0x14, fieldBytes: 48 },
};
/** SP 800-78-4 table 6-2 (06, 07) and Yubico's extensions (05 RSA-3072, 16 RSA-4096). */
const RSA_ALGORITHM_BY_BYTES: Record<number, number> = { 128: 0x06, 256: 0x07, 384: 0x05, 512: 0x16 };

const badProfile = (message: string) => new TokenError('invalid-argument', message);

/** PKCS#8 (RFC 5208) with an RFC 5915 ECPrivateKey inside: the curve and the private scalar. */
function ecKeyFromPkcs8(pkcs8: Uint8Array): SlotKey | null {
  const outer = asn1js.fromBER(pkcs8);
  if (outer.offset === -1 || !(outer.result instanceof asn1js.Sequence)) return null;
  const [, algorithm, privateKey] = outer.result.valueBlock.value;
  if (!(algorithm instanceof asn1js.Sequence) || !(privateKey instanceof asn1js.OctetString)) return null;
  const [oid, params] = algorithm.valueBlock.value;
  if (!(oid instanceof asn1js.ObjectIdentifier) || oid.valueBlock.toString() !== EC_PUBLIC_KEY) return null;
  if (!(params instanceof asn1js.ObjectIdentifier)) throw badProfile('EC key without a named curve');
  const curve = CURVES[params.valueBlock.toString()];
  if (!curve) throw badProfile('EC keys must be on P-256 or P-384');
  const inner = asn1js.fromBER(privateKey.valueBlock.valueHexView);
  const scalar = inner.result instanceof asn1js.Sequence ? inner.result.valueBlock.value[1] : undefined;
  if (inner.offset === -1 || !(scalar instanceof asn1js.OctetString)) throw badProfile('malformed ECPrivateKey');
  const d = new Uint8Array(curve.fieldBytes);
  const raw = scalar.valueBlock.valueHexView;
  if (raw.length > d.length) throw badProfile('EC private scalar too long');
  d.set(raw, d.length - raw.length);
  return { kind: 'ec', algorithm: curve.algorithm, curve: curve.curve, scalar: d, fieldBytes: curve.fieldBytes };
}

function slotKey(pkcs8: Uint8Array): SlotKey {
  const ec = ecKeyFromPkcs8(pkcs8);
  if (ec) return ec;
  const key = rsaPrivateKeyFromPkcs8(pkcs8);
  const algorithm = RSA_ALGORITHM_BY_BYTES[byteLength(key.n)];
  if (algorithm === undefined) throw badProfile('RSA keys must be 1024, 2048, 3072 or 4096 bits');
  return { kind: 'rsa', algorithm, key };
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** SP 800-73-4 part 1 appendix A, X.509 certificate container: 70 cert, 71 CertInfo, FE LRC. */
async function certificateObject(slot: SimulatedSlot): Promise<Uint8Array> {
  const compressed = slot.compressCertificate === true;
  const cert = compressed ? await gzip(slot.certificateDer) : slot.certificateDer;
  return tlv(0x53, concatBytes(tlv(0x70, cert), tlv(0x71, Uint8Array.of(compressed ? 0x01 : 0x00)), tlv(0xfe, new Uint8Array(0))));
}

/** ASCII PIN, 0xFF-padded to 8 bytes (SP 800-73-4 part 2 section 3.2.1). */
function padPin(pin: string, what: string): Uint8Array {
  if (!/^[\x20-\x7e]{6,8}$/.test(pin)) throw badProfile(`${what} must be 6 to 8 printable ASCII characters`);
  const out = new Uint8Array(8).fill(0xff);
  for (let i = 0; i < pin.length; i++) out[i] = pin.charCodeAt(i);
  return out;
}

/** A new PIN or PUK in a CHANGE REFERENCE DATA or RESET RETRY COUNTER: 6..8 bytes then 0xFF padding. */
function isWellFormedPin(padded: Uint8Array): boolean {
  const end = padded.indexOf(0xff);
  const length = end === -1 ? 8 : end;
  return length >= 6 && padded.subarray(length).every((b) => b === 0xff) && padded.subarray(0, length).every((b) => b >= 0x20 && b < 0x7f);
}

const equalBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

// --- the card ---

/** Retry counter for one PIN or PUK reference. */
class Secret {
  private left: number;
  constructor(
    public value: Uint8Array,
    private readonly max: number,
  ) {
    this.left = max;
  }
  get blocked(): boolean {
    return this.left === 0;
  }
  get retries(): number {
    return this.left;
  }
  /** 9000 and a reset counter, or 63Cx with one try less, or 6983 when already blocked. */
  check(candidate: Uint8Array): number {
    if (this.left === 0) return SW.blocked;
    if (equalBytes(candidate, this.value)) {
      this.left = this.max;
      return SW.ok;
    }
    this.left--;
    return 0x63c0 | this.left;
  }
  unblock(): void {
    this.left = this.max;
  }
}

export function createPivSimulator(profile: PivSimulatorProfile = {}): SimulatedCard {
  const pinRetries = profile.pinRetries ?? 3;
  if (!Number.isInteger(pinRetries) || pinRetries < 1 || pinRetries > 15) throw badProfile('pinRetries must be 1 to 15');
  const pin = new Secret(padPin(profile.pin ?? '123456', 'PIN'), pinRetries);
  const puk = new Secret(padPin(profile.puk ?? '12345678', 'PUK'), pinRetries);
  const serial = profile.serial ?? 12345678;
  if (!Number.isInteger(serial) || serial < 0 || serial > 0xffffffff) throw badProfile('serial must fit in 32 bits');

  const slots = new Map<number, Slot>();
  for (const [ref, slot] of Object.entries(profile.slots ?? {})) {
    const keyRef = Number(ref);
    if (!CERT_OBJECT_BY_SLOT.has(keyRef)) throw badProfile(`no PIV key slot ${keyRef.toString(16)}`);
    slots.set(keyRef, { key: slotKey(slot.privateKeyPkcs8), certificate: slot });
  }
  const slotByObject = new Map([...CERT_OBJECT_BY_SLOT].map(([ref, tag]) => [tag, ref]));
  const retiredWithCerts = [...slots.keys()].filter((ref) => ref >= 0x82 && ref <= 0x95).length;

  // Fixed data objects, as a YubiKey 5 writes them (SP 800-73-4 part 1 appendix A).
  const guid = new Uint8Array(16);
  new DataView(guid.buffer).setUint32(12, serial);
  const chuid = tlv(0x53, concatBytes(
    // FASC-N of a non-federal issuer (all 9s, as Yubico's default), then GUID, expiry, empty signature.
    tlv(0x30, Uint8Array.of(0xd4, 0xe7, 0x39, 0xda, 0x73, 0x9c, 0xed, 0x39, 0xce, 0x73, 0x9d, 0x83, 0x68, 0x58, 0x21, 0x08, 0x42, 0x10, 0x84, 0x21, 0xc8, 0x42, 0x10, 0xc3, 0xeb)),
    tlv(0x34, guid),
    tlv(0x35, new TextEncoder().encode('20300101')),
    tlv(0x3e, new Uint8Array(0)),
    tlv(0xfe, new Uint8Array(0)),
  ));
  const ccc = tlv(0x53, concatBytes(
    tlv(0xf0, concatBytes(Uint8Array.of(0xa0, 0x00, 0x00, 0x01, 0x16, 0xff, 0x02), guid.subarray(2))),
    tlv(0xf1, Uint8Array.of(0x21)), tlv(0xf2, Uint8Array.of(0x21)), tlv(0xf3, new Uint8Array(0)), tlv(0xf4, Uint8Array.of(0x00)),
    tlv(0xf5, Uint8Array.of(0x10)), tlv(0xf6, new Uint8Array(0)), tlv(0xf7, new Uint8Array(0)), tlv(0xfa, new Uint8Array(0)),
    tlv(0xfb, new Uint8Array(0)), tlv(0xfc, new Uint8Array(0)), tlv(0xfd, new Uint8Array(0)), tlv(0xfe, new Uint8Array(0)),
  ));
  // Discovery: the AID and a PIN usage policy of "PIV PIN only" (5F2F 40 00).
  const discovery = tlv(0x7e, concatBytes(tlv(0x4f, PIV_AID), tlv(0x5f2f, Uint8Array.of(0x40, 0x00))));
  const keyHistory = tlv(0x53, concatBytes(tlv(0xc1, Uint8Array.of(retiredWithCerts)), tlv(0xc2, Uint8Array.of(0)), tlv(0xfe, new Uint8Array(0))));
  // The Application Property Template a YubiKey answers to SELECT (Yubico's PIV APDU reference).
  const applicationTemplate = tlv(0x61, concatBytes(tlv(0x4f, Uint8Array.of(0x00, 0x00, 0x10, 0x00, 0x01, 0x00)), tlv(0x79, tlv(0x4f, PIV_AID.subarray(0, 5)))));

  // Volatile state, lost on reset.
  let selected = false;
  let pinVerified = false;
  /** PIN-always (9C): a VERIFY right before arms exactly one GENERAL AUTHENTICATE. */
  let pinAlwaysArmed = false;
  let chain: { ins: number; p1: number; p2: number; data: Uint8Array[]; length: number } | null = null;
  let pendingResponse: Uint8Array | null = null;

  const reset = () => {
    selected = false;
    pinVerified = false;
    pinAlwaysArmed = false;
    chain = null;
    pendingResponse = null;
  };

  /** Data up to Le now, the rest behind 61xx for GET RESPONSE (ISO 7816-4 section 5.3.4). */
  const answer = (data: Uint8Array, le: number): Uint8Array => {
    if (data.length <= le) return withSw(data, SW.ok);
    pendingResponse = data.subarray(le);
    return withSw(data.subarray(0, le), 0x6100 | (Math.min(pendingResponse.length, 256) & 0xff));
  };

  const select = (apdu: Apdu): Uint8Array => {
    if (apdu.p1 !== 0x04) return status(SW.incorrectP1P2);
    const aid = apdu.data;
    if (aid.length < 5 || aid.length > PIV_AID.length || !equalBytes(aid, PIV_AID.subarray(0, aid.length))) return status(SW.notFound);
    // Selecting PIV (again) drops the PIN's security status, as on a YubiKey: libykpiv relies on
    // it to read the retry counter with an empty VERIFY.
    selected = true;
    pinVerified = false;
    pinAlwaysArmed = false;
    return answer(applicationTemplate, apdu.le);
  };

  const getData = async (apdu: Apdu): Promise<Uint8Array> => {
    if (apdu.p1 !== 0x3f || apdu.p2 !== 0xff) return status(SW.incorrectP1P2);
    const request = parseTlvs(apdu.data)?.get(0x5c);
    if (!request || request.length < 1 || request.length > 3) return status(SW.incorrectData);
    const tag = request.reduce((t, b) => (t << 8) | b, 0);
    if (tag === 0x7e) return answer(discovery, apdu.le);
    if (tag === 0x5fc102) return answer(chuid, apdu.le);
    if (tag === 0x5fc107) return answer(ccc, apdu.le);
    if (tag === 0x5fc10c) return answer(keyHistory, apdu.le);
    const slot = slots.get(slotByObject.get(tag) ?? -1);
    if (!slot) return status(SW.notFound);
    slot.object ??= certificateObject(slot.certificate);
    return answer(await slot.object, apdu.le);
  };

  const verify = (apdu: Apdu): Uint8Array => {
    if (apdu.p2 !== 0x80) return status(SW.referenceNotFound);
    if (apdu.p1 === 0xff) {
      if (apdu.data.length !== 0) return status(SW.wrongLength);
      pinVerified = false;
      pinAlwaysArmed = false;
      return status(SW.ok);
    }
    if (apdu.p1 !== 0x00) return status(SW.incorrectP1P2);
    if (apdu.data.length === 0) {
      if (pin.blocked) return status(SW.blocked);
      return status(pinVerified ? SW.ok : 0x63c0 | pin.retries);
    }
    if (apdu.data.length !== 8) return status(SW.wrongLength);
    const sw = pin.check(apdu.data);
    pinVerified = sw === SW.ok;
    pinAlwaysArmed = pinVerified;
    return status(sw);
  };

  /** CHANGE REFERENCE DATA (INS 24) for the PIN (80) or PUK (81): old ‖ new, 8 bytes each. */
  const changeReference = (apdu: Apdu): Uint8Array => {
    const secret = apdu.p2 === 0x80 ? pin : apdu.p2 === 0x81 ? puk : null;
    if (!secret) return status(SW.referenceNotFound);
    if (apdu.p1 !== 0x00) return status(SW.incorrectP1P2);
    if (apdu.data.length !== 16) return status(SW.wrongLength);
    const next = apdu.data.slice(8);
    if (!isWellFormedPin(next)) return status(SW.incorrectData);
    const sw = secret.check(apdu.data.subarray(0, 8));
    if (sw === SW.ok) secret.value = next;
    if (secret === pin) pinVerified = sw === SW.ok;
    return status(sw);
  };

  /** RESET RETRY COUNTER (INS 2C): PUK ‖ new PIN unblocks the PIN. */
  const resetRetryCounter = (apdu: Apdu): Uint8Array => {
    if (apdu.p1 !== 0x00 || apdu.p2 !== 0x80) return status(SW.incorrectP1P2);
    if (apdu.data.length !== 16) return status(SW.wrongLength);
    const next = apdu.data.slice(8);
    if (!isWellFormedPin(next)) return status(SW.incorrectData);
    const sw = puk.check(apdu.data.subarray(0, 8));
    if (sw === SW.ok) {
      pin.value = next;
      pin.unblock();
    }
    return status(sw);
  };

  /**
   * The first step of card-management-key authentication (SP 800-73-4 part 2 appendix A.1): a
   * witness for `7C 02 81 00`. OpenSC uses it as its only source of card randomness (C_GenerateRandom);
   * the rest of the mutual authentication is not simulated. Alg 00 is OpenSC's "the card's default" (3DES).
   */
  const managementWitness = (apdu: Apdu): Uint8Array => {
    const blockBytes = { 0x00: 8, 0x03: 8, 0x08: 16, 0x0a: 16, 0x0c: 16 }[apdu.p1];
    if (blockBytes === undefined) return status(SW.incorrectP1P2);
    const fields = parseTlvs(parseTlvs(apdu.data)?.get(0x7c) ?? new Uint8Array([0xff]));
    if (fields?.size !== 1 || fields.get(0x81)?.length !== 0) return status(SW.incorrectData);
    return answer(tlv(0x7c, tlv(0x81, globalThis.crypto.getRandomValues(new Uint8Array(blockBytes)))), apdu.le);
  };

  /** GENERAL AUTHENTICATE (SP 800-73-4 part 2 section 3.2.4) with a private key: 7C {82 00, 81 | 85}. */
  const generalAuthenticate = (apdu: Apdu): Uint8Array => {
    if (apdu.p2 === 0x9b) return managementWitness(apdu);
    const slot = slots.get(apdu.p2);
    if (!slot) return status(SW.referenceNotFound);
    if (apdu.p1 !== slot.key.algorithm) return status(SW.incorrectP1P2);
    const template = parseTlvs(apdu.data)?.get(0x7c);
    const fields = template ? parseTlvs(template) : null;
    if (!fields || fields.get(0x82)?.length !== 0) return status(SW.incorrectData);
    // 9E is usable without a PIN, 9C needs a fresh VERIFY every time, all others the PIN once.
    if (apdu.p2 === 0x9c) {
      if (!pinAlwaysArmed) return status(SW.securityNotSatisfied);
      pinAlwaysArmed = false;
    } else if (apdu.p2 !== 0x9e && !pinVerified) return status(SW.securityNotSatisfied);

    const challenge = fields.get(0x81);
    const peerPoint = fields.get(0x85);
    const key = slot.key;
    let result: Uint8Array;
    if (key.kind === 'rsa') {
      const k = byteLength(key.key.n);
      if (!challenge || challenge.length !== k) return status(SW.incorrectData);
      const c = bytesToBigInt(challenge);
      if (c >= key.key.n) return status(SW.incorrectData);
      result = bigIntToBytes(rsaPrivateOperation(key.key, c), k);
    } else if (challenge && !peerPoint) {
      // The host sends the hash already cut to the field size; sign it as it is (no prehash).
      if (challenge.length === 0 || challenge.length > key.fieldBytes) return status(SW.incorrectData);
      const padded = new Uint8Array(key.fieldBytes);
      padded.set(challenge, key.fieldBytes - challenge.length);
      result = key.curve.sign(padded, key.scalar, { prehash: false, format: 'der', lowS: false });
    } else if (peerPoint && !challenge) {
      if (peerPoint.length !== 1 + 2 * key.fieldBytes || peerPoint[0] !== 0x04) return status(SW.incorrectData);
      try {
        result = key.curve.getSharedSecret(key.scalar, peerPoint, true).subarray(1);
      } catch {
        return status(SW.incorrectData);
      }
    } else return status(SW.incorrectData);
    return answer(tlv(0x7c, tlv(0x82, result)), apdu.le);
  };

  const yubikeyVersion = (apdu: Apdu) => answer(Uint8Array.of(5, 4, 3), apdu.le);
  const yubikeySerial = (apdu: Apdu) => {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, serial);
    return answer(out, apdu.le);
  };

  const dispatch = async (apdu: Apdu): Promise<Uint8Array> => {
    if (apdu.ins === 0xa4) return select(apdu);
    if (!selected) return status(SW.insNotSupported);
    switch (apdu.ins) {
      case 0xcb: return getData(apdu);
      case 0x20: return verify(apdu);
      case 0x24: return changeReference(apdu);
      case 0x2c: return resetRetryCounter(apdu);
      case 0x87: return generalAuthenticate(apdu);
      case 0xfd: return yubikeyVersion(apdu);
      case 0xf8: return yubikeySerial(apdu);
      default: return status(SW.insNotSupported);
    }
  };

  const transmit = async (command: Uint8Array): Promise<Uint8Array> => {
    const apdu = parseApdu(command);
    if (!apdu) return status(SW.wrongLength);
    if ((apdu.cla & ~0x10) !== 0x00) return status(SW.claNotSupported);

    if (apdu.ins === 0xc0 && !chain) {
      const rest = pendingResponse;
      pendingResponse = null;
      if (!rest) return status(SW.conditionsNotSatisfied);
      return answer(rest, apdu.le);
    }
    pendingResponse = null;

    // Command chaining (ISO 7816-4 section 5.1.1.1): parts with CLA bit 0x10 collect, the last runs.
    const continues = chain !== null && chain.ins === apdu.ins && chain.p1 === apdu.p1 && chain.p2 === apdu.p2;
    if (!continues) chain = null;
    const chained = (chain?.length ?? 0) + apdu.data.length;
    if (chained > MAX_CHAINED_COMMAND) {
      chain = null;
      return status(SW.wrongLength);
    }
    if (apdu.cla & 0x10) {
      if (!chain) chain = { ins: apdu.ins, p1: apdu.p1, p2: apdu.p2, data: [], length: 0 };
      chain.data.push(apdu.data.slice());
      chain.length = chained;
      return status(SW.ok);
    }
    const whole = chain ? { ...apdu, data: concatBytes(...chain.data, apdu.data) } : apdu;
    chain = null;
    return dispatch(whole);
  };

  return { atr: () => YUBIKEY_ATR.slice(), reset, transmit };
}
