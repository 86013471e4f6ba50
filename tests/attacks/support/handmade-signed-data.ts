// SignedData that OpenSSL's cms command will not write, assembled field by field and signed with
// OpenSSL's raw signing tools (dgst -sign, pkeyutl -rawin), so the signatures are genuine and only
// the verifier's attribute policy can reject them (Johnny C5, C6 and their kin). Shared by
// tests/integration/signed-handmade.test.ts and the attack tests.
import fs from 'node:fs';

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { OID } from '@/lib/smime/oids';

import { type IssuedCert, openssl, type TestPki } from '../../support/test-pki';

export const der = (value: asn1js.AsnType) => new Uint8Array(value.toBER(false));
export const oid = (value: string) => new asn1js.ObjectIdentifier({ value });
export const octets = (bytes: Uint8Array) => new asn1js.OctetString({ valueHex: bytes.slice().buffer });
export const tagged = (tagNumber: number, ...value: asn1js.AsnType[]) => new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber }, value });
export const algorithm = (id: string, parameters?: asn1js.AsnType) => new asn1js.Sequence({ value: [oid(id), ...(parameters ? [parameters] : [])] });
export const attribute = (type: string, ...values: asn1js.AsnType[]) => new asn1js.Sequence({ value: [oid(type), new asn1js.Set({ value: values })] });
export const certificateOf = (cert: IssuedCert) => pkijs.Certificate.fromBER(new Uint8Array(cert.certDer));
export const utcNow = () => new asn1js.UTCTime({ valueDate: new Date() });

export interface Handmade {
  signer: IssuedCert;
  attributes: asn1js.Sequence[] | null;
  eContentType?: string;
  opaque?: boolean;
  digestAlgorithm?: string;
  signatureAlgorithm?: asn1js.Sequence;
  certificates?: IssuedCert[];
  keyIdentifier?: Uint8Array;
  content?: Uint8Array;
}

export interface HandmadeSigner {
  /** A ContentInfo(SignedData) built by hand; OpenSSL signs the DER SET of attributes (or the content). */
  handmade(spec: Handmade): Uint8Array;
  /** contentType, signingTime and messageDigest, as every signer writes them. */
  usual(content?: Uint8Array, contentType?: string, bits?: 256 | 512): asn1js.Sequence[];
  /** OpenSSL's digest of `bytes`. */
  sha(bits: 256 | 512, bytes: Uint8Array): Uint8Array;
  /** `bytes` written to a fresh file of the PKI's directory; returns its path. */
  write(bytes: Uint8Array): string;
}

/** A builder signing with the keys of `pki`; `defaultContent` is what is signed unless a spec says otherwise. */
export function handmadeSigner(pki: TestPki, defaultContent: Uint8Array): HandmadeSigner {
  let counter = 0;
  const write = (bytes: Uint8Array) => {
    const name = pki.file(`handmade-${counter++}`);
    fs.writeFileSync(name, bytes);
    return name;
  };
  const sha = (bits: 256 | 512, bytes: Uint8Array) => new Uint8Array(openssl([`dgst`, `-sha${bits}`, '-binary', write(bytes)]));

  function handmade(spec: Handmade): Uint8Array {
    const content = spec.content ?? defaultContent;
    const isEd = spec.signer.keyType === 'ed25519';
    const sorted = spec.attributes && [...spec.attributes].sort((a, b) => Buffer.compare(Buffer.from(der(a)), Buffer.from(der(b))));
    const signedBytes = sorted ? der(new asn1js.Set({ value: sorted })) : content;
    const signature = isEd
      ? openssl(['pkeyutl', '-sign', '-rawin', '-inkey', spec.signer.keyPath, '-in', write(signedBytes)])
      : openssl(['dgst', '-sha256', '-sign', spec.signer.keyPath, write(signedBytes)]);
    const certificate = certificateOf(spec.signer);
    const sid = spec.keyIdentifier
      ? new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: spec.keyIdentifier.slice().buffer })
      : new asn1js.Sequence({ value: [certificate.issuer.toSchema(), certificate.serialNumber] });
    const defaultSignatureAlgorithm = isEd ? algorithm(OID.ed25519) : spec.signer.keyType === 'p256' ? algorithm(OID.ecdsaWithSha256) : algorithm(OID.rsaEncryption, new asn1js.Null());
    const digestAlgorithm = algorithm(spec.digestAlgorithm ?? (isEd ? OID.sha512 : OID.sha256));
    const signerInfo = new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: spec.keyIdentifier ? 3 : 1 }),
        sid,
        digestAlgorithm,
        ...(sorted ? [tagged(0, ...sorted)] : []),
        spec.signatureAlgorithm ?? defaultSignatureAlgorithm,
        octets(new Uint8Array(signature)),
      ],
    });
    const certificates = (spec.certificates ?? [spec.signer]).map((c) => certificateOf(c).toSchema());
    const signedData = new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: 3 }),
        new asn1js.Set({ value: [digestAlgorithm] }),
        new asn1js.Sequence({ value: [oid(spec.eContentType ?? OID.data), ...(spec.opaque ? [tagged(0, octets(content))] : [])] }),
        ...(certificates.length ? [tagged(0, ...certificates)] : []),
        new asn1js.Set({ value: [signerInfo] }),
      ],
    });
    return der(new asn1js.Sequence({ value: [oid(OID.signedData), tagged(0, signedData)] }));
  }

  function usual(content: Uint8Array = defaultContent, contentType: string = OID.data, bits: 256 | 512 = 256): asn1js.Sequence[] {
    return [attribute(OID.contentType, oid(contentType)), attribute(OID.signingTime, utcNow()), attribute(OID.messageDigest, octets(sha(bits, content)))];
  }

  return { handmade, usual, sha, write };
}
