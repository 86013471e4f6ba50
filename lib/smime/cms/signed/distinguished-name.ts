// Distinguished names as text in the order and escaping of RFC 4514 (last RDN first), with the
// short names people recognise; other attribute types as dotted OIDs, non-string values as #hex.
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

import { toDer } from '../../asn1/parse-der';
import { toHex } from '../../../bytes';

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

export function nameToText(name: pkijs.RelativeDistinguishedNames): string {
  // pkijs flattens the RDN sequence; the original DER keeps multi-valued RDNs together.
  const rdns = (toDerSequence(name) ?? []).map((rdn) =>
    (rdn as asn1js.Set).valueBlock.value.map((atv) => attributeText(atv as asn1js.Sequence)).join('+'),
  );
  return rdns.reverse().join(',');
}

/** The DER of a Name as it was received (pkijs keeps the original bytes when parsed). */
export function nameDer(name: pkijs.RelativeDistinguishedNames): Uint8Array {
  return toDer(name.toSchema());
}

function toDerSequence(name: pkijs.RelativeDistinguishedNames): asn1js.AsnType[] | null {
  const schema = name.toSchema();
  return schema instanceof asn1js.Sequence ? schema.valueBlock.value : null;
}

function attributeText(atv: asn1js.Sequence): string {
  const [type, value] = atv.valueBlock.value;
  const oid = type instanceof asn1js.ObjectIdentifier ? type.valueBlock.toString() : '?';
  const key = SHORT_NAMES[oid] ?? oid;
  const text = (value as { valueBlock?: { value?: unknown } } | undefined)?.valueBlock?.value;
  if (typeof text === 'string') return `${key}=${escapeValue(text)}`;
  return `${key}=#${value ? toHex(toDer(value)) : ''}`;
}

// RFC 4514 section 2.4.
function escapeValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, '\\ ')
    .replace(/\0/g, '\\00');
}
