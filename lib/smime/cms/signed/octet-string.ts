// OCTET STRING contents as one byte array. BER senders (OpenSSL -stream, gpgsm) split eContent
// into a constructed OCTET STRING of pieces, possibly nested (X.690 8.7.3); DER senders do not.
import * as asn1js from 'asn1js';

import { SmimeError } from '../../errors';

const UNIVERSAL = 1;
const OCTET_STRING = 4;

/** The bytes of an OCTET STRING, primitive or constructed; `what` names it in errors. */
export function octetStringBytes(value: asn1js.AsnType, what: string): Uint8Array {
  const pieces: Uint8Array[] = [];
  collect(value, what, pieces);
  if (pieces.length === 1) return pieces[0]!;
  const out = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}

// Recursion depth is bounded by parseAsn1's depth cap on the whole input.
function collect(value: asn1js.AsnType, what: string, pieces: Uint8Array[]): void {
  const block = value as asn1js.BaseBlock;
  if (!(value instanceof asn1js.OctetString) || block.idBlock.tagClass !== UNIVERSAL || block.idBlock.tagNumber !== OCTET_STRING) {
    throw new SmimeError('malformed-cms', `The ${what} is not an OCTET STRING.`);
  }
  if (!value.valueBlock.isConstructed) {
    pieces.push(value.valueBlock.valueHexView);
    return;
  }
  for (const piece of value.valueBlock.value) collect(piece, what, pieces);
}
