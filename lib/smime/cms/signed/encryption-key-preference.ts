// Which certificate the signer wants to be encrypted to: SMIMEEncryptionKeyPreference (RFC 8551
// 2.5.3), a CHOICE of [0] IssuerAndSerialNumber, [1] RecipientKeyIdentifier or [2]
// SubjectKeyIdentifier, all IMPLICIT; and Outlook's attribute 1.3.6.1.4.1.311.16.4, a plain
// IssuerAndSerialNumber.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { SmimeError } from '../../errors';
import { signerIdentifierText, type SignerIdentifier, issuerAndSerialNumberOf } from './signer-identifier';

/** The standard attribute's value for `certificate`: issuerAndSerialNumber [0]. */
export function encodeEncryptionKeyPreference(certificate: pkijs.Certificate): asn1js.Constructed {
  return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: issuerAndSerialNumberOf(certificate).valueBlock.value });
}

/** The Microsoft attribute's value for `certificate`. */
export function encodeMicrosoftEncryptionKeyPreference(certificate: pkijs.Certificate): asn1js.Sequence {
  return issuerAndSerialNumberOf(certificate);
}

const bad = () => new SmimeError('malformed-cms', 'The encryption key preference attribute cannot be read.');

export function decodeEncryptionKeyPreference(value: asn1js.AsnType): SignerIdentifier {
  const block = value as asn1js.BaseBlock;
  if (block.idBlock?.tagClass !== 3) throw bad();
  switch (block.idBlock.tagNumber) {
    case 0:
      return decodeIssuerAndSerialNumber(retag(value, new asn1js.Sequence()));
    case 1: {
      // RecipientKeyIdentifier: SEQUENCE { subjectKeyIdentifier OCTET STRING, date, other }
      const first = value instanceof asn1js.Constructed ? value.valueBlock.value[0] : undefined;
      if (!(first instanceof asn1js.OctetString) || first.valueBlock.isConstructed) throw bad();
      return signerIdentifierText({ subjectKeyIdentifier: first.valueBlock.valueHexView });
    }
    case 2: {
      if (!(value instanceof asn1js.Primitive)) throw bad();
      return signerIdentifierText({ subjectKeyIdentifier: value.valueBlock.valueHexView });
    }
    default:
      throw bad();
  }
}

export function decodeIssuerAndSerialNumber(value: asn1js.AsnType): SignerIdentifier {
  try {
    const parsed = new pkijs.IssuerAndSerialNumber({ schema: value });
    return signerIdentifierText({ issuer: parsed.issuer, serialNumber: parsed.serialNumber.valueBlock.valueHexView });
  } catch {
    throw bad();
  }
}

// An IMPLICIT [n] constructed value read as the universal type it replaces.
function retag(value: asn1js.AsnType, as: asn1js.Sequence): asn1js.Sequence {
  if (!(value instanceof asn1js.Constructed)) throw bad();
  as.valueBlock.value = value.valueBlock.value;
  return as;
}
