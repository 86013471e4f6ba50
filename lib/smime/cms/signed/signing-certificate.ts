// ESS signing-certificate attributes (RFC 2634 5.4, RFC 5035 5.4): the signed hash of the signer's
// certificate, so a certificate cannot be swapped for another one with the same key. We write
// SigningCertificateV2 with SHA-256 and check both versions: the first ESSCertID names the signer.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { toDer } from '../../asn1/parse-der';
import { digest } from '../../web-crypto';
import { bytesEqual } from '../../../bytes';
import { digestNameOf, isComputableHash } from './digest-algorithms';
import { nameDer } from './distinguished-name';
import { serialHex } from './signer-identifier';

/** SigningCertificateV2 with one ESSCertIDv2: certHash (SHA-256, the DEFAULT, so omitted) and issuerSerial. */
export async function encodeSigningCertificateV2(certificate: pkijs.Certificate, certificateDer: Uint8Array): Promise<asn1js.Sequence> {
  const certHash = await digest('SHA-256', certificateDer);
  const issuerSerial = new asn1js.Sequence({
    value: [
      // GeneralNames with one directoryName [4] (EXPLICIT, as Name is a CHOICE)
      new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [certificate.issuer.toSchema()] })] }),
      new asn1js.Integer({ valueHex: certificate.serialNumber.valueBlock.valueHexView.slice().buffer }),
    ],
  });
  const essCertId = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: certHash.slice().buffer }), issuerSerial] });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertId] })] });
}

/**
 * Null when the attribute names `certificate`, else the reason it does not. `version` 1 is
 * SigningCertificate (SHA-1 hashes), 2 is SigningCertificateV2 (hash algorithm per entry).
 */
export async function signingCertificateMismatch(value: asn1js.AsnType, version: 1 | 2, certificate: pkijs.Certificate, certificateDer: Uint8Array): Promise<string | null> {
  const unreadable = 'The signing-certificate attribute cannot be read.';
  const certs = value instanceof asn1js.Sequence ? value.valueBlock.value[0] : undefined;
  const first = certs instanceof asn1js.Sequence ? certs.valueBlock.value[0] : undefined;
  if (!(first instanceof asn1js.Sequence)) return unreadable;
  const fields = [...first.valueBlock.value];
  let hash = 'SHA-1';
  if (version === 2) {
    hash = 'SHA-256';
    if (fields[0] instanceof asn1js.Sequence) {
      try {
        hash = digestNameOf(new pkijs.AlgorithmIdentifier({ schema: fields.shift()! }).algorithmId);
      } catch {
        return unreadable;
      }
    }
  }
  const certHash = fields[0];
  if (!(certHash instanceof asn1js.OctetString) || certHash.valueBlock.isConstructed) return unreadable;
  if (!isComputableHash(hash)) return `The signing-certificate attribute uses the digest ${hash}, which is not supported.`;
  const mismatch = "The signing-certificate attribute names a different certificate than the signer's.";
  if (!bytesEqual(certHash.valueBlock.valueHexView, await digest(hash, certificateDer))) return mismatch;
  const issuerSerial = fields[1];
  if (issuerSerial === undefined) return null;
  const matches = issuerSerialMatches(issuerSerial, certificate);
  if (matches === null) return unreadable;
  return matches ? null : mismatch;
}

// IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber INTEGER }: true, false, or null
// when it cannot be read. Only directoryName issuers can name a certificate's issuer.
function issuerSerialMatches(value: asn1js.AsnType, certificate: pkijs.Certificate): boolean | null {
  const [names, serial] = value instanceof asn1js.Sequence ? value.valueBlock.value : [];
  if (!(names instanceof asn1js.Sequence) || !(serial instanceof asn1js.Integer)) return null;
  if (serialHex(serial.valueBlock.valueHexView) !== serialHex(certificate.serialNumber.valueBlock.valueHexView)) return false;
  const issuer = nameDer(certificate.issuer);
  return names.valueBlock.value.some((name) => {
    const block = name as asn1js.Constructed;
    const inner = block.idBlock?.tagClass === 3 && block.idBlock.tagNumber === 4 ? block.valueBlock.value?.[0] : undefined;
    return inner !== undefined && bytesEqual(toDer(inner), issuer);
  });
}
