// The fields of an EnvelopedData or AuthEnvelopedData that attacks change, as views into the DER
// (RFC 5652 section 6.1, RFC 5083 section 2.1): writing into a view changes the message in place.
import * as asn1js from 'asn1js';

import { parseAsn1InPlace } from '@/lib/smime/asn1/parse-der';

export interface EnvelopeFields {
  /** The (Auth)EnvelopedData SEQUENCE's fields, in order. */
  fields: asn1js.AsnType[];
  recipientInfos: asn1js.Set;
  /** contentEncryptionAlgorithm's OID and parameters (the CBC IV, or GCMParameters). */
  algorithmOid: string;
  algorithmParameters: asn1js.AsnType;
  /** AES-CBC only: the 16-byte IV. */
  iv: Uint8Array | null;
  ciphertext: Uint8Array;
  /** AuthEnvelopedData only: the GCM tag. */
  mac: Uint8Array | null;
  /** The first RecipientInfo's encryptedKey (a KeyTransRecipientInfo). */
  encryptedKey: Uint8Array;
}

const valuesOf = (value: asn1js.AsnType | undefined): asn1js.AsnType[] => {
  if (!(value instanceof asn1js.Constructed)) throw new Error('envelope-fields: expected a constructed value');
  return value.valueBlock.value;
};
const primitiveBytes = (value: asn1js.AsnType | undefined): Uint8Array => {
  if (!value || value.idBlock.isConstructed) throw new Error('envelope-fields: expected a primitive value');
  return (value.valueBlock as unknown as { valueHexView: Uint8Array }).valueHexView;
};

/** Reads `der` (a ContentInfo) in place: the byte views returned write through to `der`. */
export function envelopeFields(der: Uint8Array): EnvelopeFields {
  const [, wrapped] = valuesOf(parseAsn1InPlace(der, 'attack envelope'));
  const fields = valuesOf(valuesOf(wrapped)[0]);
  const at = fields[1] instanceof asn1js.Set ? 1 : 2; // originatorInfo [0] may come first
  const recipientInfos = fields[at] as asn1js.Set;
  const [, algorithm, content] = valuesOf(fields[at + 1]);
  const [oid, parameters] = valuesOf(algorithm);
  const macField = fields.find((field) => field instanceof asn1js.OctetString && field !== content);
  const ktri = valuesOf(recipientInfos.valueBlock.value[0]);
  return {
    fields,
    recipientInfos,
    algorithmOid: (oid as asn1js.ObjectIdentifier).valueBlock.toString(),
    algorithmParameters: parameters!,
    iv: parameters instanceof asn1js.OctetString ? primitiveBytes(parameters) : null,
    ciphertext: primitiveBytes(content),
    mac: macField ? primitiveBytes(macField) : null,
    encryptedKey: primitiveBytes(ktri[ktri.length - 1]),
  };
}

export const xor = (...blocks: Uint8Array[]) => blocks[0]!.map((_, i) => blocks.reduce((x, block) => x ^ block[i]!, 0));

/** A copy of `der` with the encrypted content or the first encryptedKey replaced by bytes of any length, re-encoded around them. */
export function reencodedWith(der: Uint8Array, change: { ciphertext?: Uint8Array; encryptedKey?: Uint8Array }): Uint8Array {
  const parsed = asn1js.fromBER(der.slice());
  if (parsed.offset === -1) throw new Error('envelope-fields: not BER');
  const [, wrapped] = valuesOf(parsed.result);
  const fields = valuesOf(valuesOf(wrapped)[0]);
  const at = fields[1] instanceof asn1js.Set ? 1 : 2;
  if (change.ciphertext) {
    const info = valuesOf(fields[at + 1]);
    info[2] = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: change.ciphertext.slice().buffer });
  }
  if (change.encryptedKey) {
    const ktri = valuesOf((fields[at] as asn1js.Set).valueBlock.value[0]);
    ktri[ktri.length - 1] = new asn1js.OctetString({ valueHex: change.encryptedKey.slice().buffer });
  }
  return new Uint8Array(parsed.result.toBER(false));
}
