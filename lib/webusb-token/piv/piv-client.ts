// The PIV card application (NIST SP 800-73-4 part 2) as the webmail needs it: SELECT, the PIN
// policy from the Discovery object, certificates (gzip-compressed ones too) of the four key slots
// and of the retired key-management slots the Key History names, VERIFY with retry counts, and
// GENERAL AUTHENTICATE for raw RSA, ECDSA and ECDH. Padding, hashing and PIN prompts are the
// caller's (card-key.ts); this file speaks the card's language only.
import { LE_MAX, SW, type CommandApdu, isRetryCounter, statusError } from '../apdu/apdu';
import { concatBytes } from '../../bytes';
import { type Tlv, children, encodeTlv, findTlv, readTlvs, requireTlv } from '../apdu/ber-tlv';
import { Iso7816Session } from '../apdu/iso7816-session';
import { TokenError } from '../errors';
import type { ApduTransport } from '../transport';

export const PIV_AID = new Uint8Array([0xa0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00]);

/** Key references (SP 800-73-4 part 1 table 4b): the four slots and retired key management 1..20. */
export const PIV_SLOT = { authentication: 0x9a, signature: 0x9c, keyManagement: 0x9d, cardAuthentication: 0x9e } as const;
export const FIRST_RETIRED_SLOT = 0x82;
export const RETIRED_SLOT_COUNT = 20;

export type PivCurve = 'P-256' | 'P-384';
/** Algorithm identifiers of SP 800-78-4 table 6-2 (05 and 16 are YubiKey's RSA-3072 and 4096). */
const RSA_ALGORITHM_BY_BYTES: Record<number, number> = { 128: 0x06, 256: 0x07, 384: 0x05, 512: 0x16 };
const EC_ALGORITHM: Record<PivCurve, { id: number; fieldBytes: number }> = { 'P-256': { id: 0x11, fieldBytes: 32 }, 'P-384': { id: 0x14, fieldBytes: 48 } };

export const PIV_LIMITS = {
  /** Bytes a gzip-compressed certificate may inflate to; real ones are a few KB. */
  decompressedCertificateBytes: 64 * 1024,
} as const;

export type PinStatus = { verified: true } | { verified: false; retriesLeft?: number; blocked: boolean };

export interface CardCertificate {
  slot: number;
  /** The certificate's DER, decompressed when the card stores it gzipped. */
  der: Uint8Array;
}

export interface KeyHistory {
  /** Retired keys whose certificates are on the card: slots 82, 83, ... in order. */
  onCardCertificates: number;
  offCardCertificates: number;
  /** Where the off-card certificates are published (tag F3), when given. */
  url?: string;
}

const INS = { select: 0xa4, getData: 0xcb, verify: 0x20, generalAuthenticate: 0x87 } as const;
/** PIN references (SP 800-73-4 part 2 table 1): the PIV application PIN and the Global PIN. */
const PIV_PIN = 0x80;
const GLOBAL_PIN = 0x00;
const PIN_LENGTH = 8;

/** GET DATA tags of the certificate behind each key reference (SP 800-73-4 part 1 table 3). */
function certificateTag(slot: number): number {
  switch (slot) {
    case PIV_SLOT.authentication:
      return 0x5fc105;
    case PIV_SLOT.signature:
      return 0x5fc10a;
    case PIV_SLOT.keyManagement:
      return 0x5fc10b;
    case PIV_SLOT.cardAuthentication:
      return 0x5fc101;
  }
  if (isRetiredSlot(slot)) return 0x5fc10d + (slot - FIRST_RETIRED_SLOT);
  throw new TokenError('invalid-argument', `0x${slot.toString(16)} is not a PIV key slot.`);
}

const isRetiredSlot = (slot: number) => slot >= FIRST_RETIRED_SLOT && slot < FIRST_RETIRED_SLOT + RETIRED_SLOT_COUNT;

export class PivClient {
  private pinReference = PIV_PIN;

  constructor(private readonly session: Iso7816Session) {}

  /** Selects the PIV application and reads which PIN guards it. */
  static async open(transport: ApduTransport): Promise<PivClient> {
    const client = new PivClient(new Iso7816Session(transport));
    await client.select();
    await client.readPinPolicy();
    return client;
  }

  async select(): Promise<void> {
    const answer = await this.session.transmit({ cla: 0, ins: INS.select, p1: 0x04, p2: 0x00, data: PIV_AID, le: 256 });
    if (answer.sw !== SW.OK) throw new TokenError('unsupported-card', 'This card has no PIV application.');
  }

  /**
   * The Discovery object's PIN Usage Policy (SP 800-73-4 part 1 section 3.3.2): the Global PIN
   * only when it satisfies the access rules and is primary (as OpenSC card-piv.c decides).
   */
  async readPinPolicy(): Promise<'piv' | 'global'> {
    const discovery = await this.getData(0x7e, new Uint8Array([0x7e]));
    const policy = discovery ? findTlv(discovery, 0x5f2f)?.value : undefined;
    const global = policy !== undefined && policy.length >= 2 && (policy[0]! & 0x20) !== 0 && policy[1] === 0x20;
    this.pinReference = global ? GLOBAL_PIN : PIV_PIN;
    return global ? 'global' : 'piv';
  }

  /** The certificate in `slot`, or null when the slot has none. */
  async readCertificate(slot: number): Promise<Uint8Array | null> {
    const tag = certificateTag(slot);
    const object = await this.getData(0x53, tagBytes(tag));
    const certificate = object ? findTlv(object, 0x70) : undefined;
    if (!certificate || certificate.value.length === 0) return null;
    const info = findTlv(object!, 0x71)?.value[0] ?? 0;
    // CertInfo bit 0x01 is gzip (SP 800-73-4 part 1 table 10); older cards set 0x80 (OpenSC accepts it).
    if (info & 0x01 || info & 0x80) return gunzip(certificate.value, PIV_LIMITS.decompressedCertificateBytes);
    return new Uint8Array(certificate.value);
  }

  async readKeyHistory(): Promise<KeyHistory> {
    const object = await this.getData(0x53, tagBytes(0x5fc10c));
    if (!object) return { onCardCertificates: 0, offCardCertificates: 0 };
    const count = (tag: number) => Math.min(findTlv(object, tag)?.value[0] ?? 0, RETIRED_SLOT_COUNT);
    const url = findTlv(object, 0xf3)?.value;
    return {
      onCardCertificates: count(0xc1),
      offCardCertificates: count(0xc2),
      ...(url && url.length > 0 ? { url: new TextDecoder().decode(url) } : {}),
    };
  }

  /** Every certificate on the card: 9A, 9C, 9D, 9E, then the retired ones the Key History counts. */
  async readCertificates(): Promise<CardCertificate[]> {
    const { onCardCertificates } = await this.readKeyHistory();
    // SP 800-73-4 part 1 section 3.3.2: retired keys with on-card certificates come first, from 82 on.
    const retired = Array.from({ length: onCardCertificates }, (_, i) => FIRST_RETIRED_SLOT + i);
    const out: CardCertificate[] = [];
    for (const slot of [PIV_SLOT.authentication, PIV_SLOT.signature, PIV_SLOT.keyManagement, PIV_SLOT.cardAuthentication, ...retired]) {
      const der = await this.readCertificate(slot);
      if (der) out.push({ slot, der });
    }
    return out;
  }

  /** The signature key (9C) is "PIN Always": VERIFY must come right before each use (SP 800-73-4 part 1 section 3.2). */
  requiresPinEachUse(slot: number): boolean {
    return slot === PIV_SLOT.signature;
  }

  /** An empty VERIFY: verified or not, and the tries left, without spending one. */
  async pinStatus(): Promise<PinStatus> {
    const { sw } = await this.session.transmit({ cla: 0, ins: INS.verify, p1: 0, p2: this.pinReference });
    if (sw === SW.OK) return { verified: true };
    if (isRetryCounter(sw)) return { verified: false, retriesLeft: sw & 0x0f, blocked: (sw & 0x0f) === 0 };
    if (sw === SW.AUTHENTICATION_BLOCKED) return { verified: false, retriesLeft: 0, blocked: true };
    return { verified: false, blocked: false };
  }

  /** VERIFY the PIN (ASCII, 0xFF-padded to 8 bytes); wrong-pin carries the tries left. */
  async verifyPin(pin: string): Promise<void> {
    const data = new Uint8Array(PIN_LENGTH).fill(0xff);
    try {
      if (pin.length < 1 || pin.length > PIN_LENGTH || !/^[\x20-\x7e]+$/.test(pin)) {
        throw new TokenError('invalid-argument', 'A PIV PIN is one to eight printable ASCII characters.');
      }
      for (let i = 0; i < pin.length; i++) data[i] = pin.charCodeAt(i);
      const { sw } = await this.session.transmit({ cla: 0, ins: INS.verify, p1: 0, p2: this.pinReference, data, sensitive: true });
      if (sw === SW.OK) return;
      if (sw === SW.WARNING_NO_INFO) throw new TokenError('wrong-pin', 'Wrong PIN.');
      throw statusError(sw, 'VERIFY');
    } finally {
      data.fill(0);
    }
  }

  /**
   * Raw RSA with the private key in `slot` (a signature's EMSA block or a ciphertext): the
   * algorithm follows from the input's length, which is the modulus length.
   */
  async rsaPrivateOperation(slot: number, input: Uint8Array): Promise<Uint8Array> {
    const algorithm = RSA_ALGORITHM_BY_BYTES[input.length];
    if (algorithm === undefined) throw new TokenError('unsupported-algorithm', `PIV has no RSA key of ${input.length * 8} bits.`);
    const result = await this.generalAuthenticate(algorithm, slot, 0x81, input);
    if (result.length > input.length) throw new TokenError('card-error', 'The card answered more bytes than the RSA modulus has.');
    const out = new Uint8Array(input.length);
    out.set(result, input.length - result.length);
    return out;
  }

  /** ECDSA over a hash (cut or zero-padded to the field size, FIPS 186-5 section 6.4.1); the DER ECDSA-Sig-Value. */
  async ecdsaSign(slot: number, curve: PivCurve, hash: Uint8Array): Promise<Uint8Array> {
    const { id, fieldBytes } = ecAlgorithm(curve);
    const input = new Uint8Array(fieldBytes);
    if (hash.length >= fieldBytes) input.set(hash.subarray(0, fieldBytes));
    else input.set(hash, fieldBytes - hash.length);
    const der = await this.generalAuthenticate(id, slot, 0x81, input);
    return checkEcdsaSignature(der, fieldBytes);
  }

  /** ECDH with the peer's uncompressed point 04 || X || Y: the shared secret Z (tag 85, SP 800-73-4 part 2 section 3.2.4). */
  async ecdh(slot: number, curve: PivCurve, point: Uint8Array): Promise<Uint8Array> {
    const { id, fieldBytes } = ecAlgorithm(curve);
    if (point.length !== 1 + 2 * fieldBytes || point[0] !== 0x04) throw new TokenError('invalid-argument', `An uncompressed ${curve} point is ${1 + 2 * fieldBytes} bytes starting 04.`);
    const z = await this.generalAuthenticate(id, slot, 0x85, point);
    if (z.length !== fieldBytes) throw new TokenError('card-error', `The card's shared secret is ${z.length} bytes, not ${fieldBytes}.`);
    return z;
  }

  /** GENERAL AUTHENTICATE: 7C { 82 00, <tag> <input> } in, 7C { 82 <result> } out. */
  private async generalAuthenticate(algorithm: number, slot: number, inputTag: number, input: Uint8Array): Promise<Uint8Array> {
    checkKeySlot(slot);
    const template = encodeTlv(0x7c, concatBytes(new Uint8Array([0x82, 0x00]), encodeTlv(inputTag, input)));
    const command: CommandApdu = { cla: 0, ins: INS.generalAuthenticate, p1: algorithm, p2: slot, data: template, le: LE_MAX };
    const answer = await this.session.send(command, 'GENERAL AUTHENTICATE');
    const [outer] = readTlvs(answer);
    if (!outer || outer.tag !== 0x7c) throw new TokenError('card-error', 'The card answered GENERAL AUTHENTICATE without a 7C template.');
    return new Uint8Array(requireTlv(children(outer), 0x82, 'the response (82)').value);
  }

  /** GET DATA of `tag` (given as its bytes in 5C): the object's inside, or null when absent (6A82). */
  private async getData(outerTag: number, tag: Uint8Array): Promise<Tlv[] | null> {
    const answer = await this.session.transmit({ cla: 0, ins: INS.getData, p1: 0x3f, p2: 0xff, data: encodeTlv(0x5c, tag), le: LE_MAX });
    if (answer.sw === SW.FILE_NOT_FOUND) return null;
    if (answer.sw !== SW.OK) throw statusError(answer.sw, 'GET DATA');
    const [object] = readTlvs(answer.data);
    if (!object) return null;
    if (object.tag !== outerTag) throw new TokenError('card-error', `GET DATA answered tag ${object.tag.toString(16)} instead of ${outerTag.toString(16)}.`);
    return children(object);
  }
}

function tagBytes(tag: number): Uint8Array {
  return new Uint8Array([tag >> 16, (tag >> 8) & 0xff, tag & 0xff]);
}

function checkKeySlot(slot: number): void {
  const known = Object.values(PIV_SLOT).includes(slot as (typeof PIV_SLOT)[keyof typeof PIV_SLOT]) || isRetiredSlot(slot);
  if (!known) throw new TokenError('invalid-argument', `0x${slot.toString(16)} is not a PIV key slot.`);
}

function ecAlgorithm(curve: string): { id: number; fieldBytes: number } {
  const algorithm = EC_ALGORITHM[curve as PivCurve];
  if (!algorithm) throw new TokenError('unsupported-algorithm', `PIV has no ${curve} keys.`);
  return algorithm;
}

/** The card's DER SEQUENCE { r INTEGER, s INTEGER }, checked for shape and size, re-encoded exactly. */
function checkEcdsaSignature(der: Uint8Array, fieldBytes: number): Uint8Array {
  const [sequence, ...rest] = readTlvs(der);
  const parts = sequence?.tag === 0x30 && rest.length === 0 ? children(sequence) : [];
  const fits = (t: Tlv) => t.tag === 0x02 && t.value.length >= 1 && t.value.length <= fieldBytes + 1;
  if (parts.length !== 2 || !parts.every(fits)) throw new TokenError('card-error', 'The card answered something other than an ECDSA signature.');
  return encodeTlv(0x30, sequence!.value);
}

/** gzip via DecompressionStream, stopped (limit-exceeded) once the output passes `cap` bytes. */
async function gunzip(compressed: Uint8Array, cap: number): Promise<Uint8Array> {
  const reader = new Blob([new Uint8Array(compressed)]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > cap) throw new TokenError('limit-exceeded', `A compressed certificate inflates past ${cap} bytes.`);
      parts.push(value);
    }
  } catch (error) {
    void reader.cancel().catch(() => {});
    if (error instanceof TokenError) throw error;
    throw new TokenError('card-error', 'A compressed certificate on the card is not valid gzip.');
  }
  return concatBytes(...parts);
}
