import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';

import { parseAsn1, toDer } from '../../asn1/parse-der';
import { OID } from '../../oids';
import { nameToText } from './distinguished-name';
import { algorithmName, signatureSchemeOf } from './signature-algorithms';
import { serialHex } from './signer-identifier';

const atv = (type: string, value: asn1js.AsnType) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: type }), value] });
const rdn = (...values: asn1js.Sequence[]) => new asn1js.Set({ value: values });
const utf8 = (value: string) => new asn1js.Utf8String({ value });

describe('nameToText', () => {
  it('writes RFC 4514 order and escapes, keeps multi-valued RDNs, hex for non-strings', () => {
    const name = new asn1js.Sequence({
      value: [
        rdn(atv('2.5.4.6', new asn1js.PrintableString({ value: 'DE' }))),
        rdn(atv('2.5.4.10', utf8('Example, Inc. "A+B"'))),
        rdn(atv('2.5.4.11', utf8('Mail')), atv('2.5.4.3', utf8(' #Alice '))),
        rdn(atv('2.5.4.7', utf8('#1'))),
        rdn(atv(OID.emailAddress, new asn1js.IA5String({ value: 'alice@example.test' }))),
        rdn(atv('1.2.3.4', new asn1js.Integer({ value: 5 }))),
      ],
    });
    const parsed = new pkijs.RelativeDistinguishedNames({ schema: parseAsn1(toDer(name), 'name') });
    expect(nameToText(parsed)).toBe('1.2.3.4=#020105,emailAddress=alice@example.test,L=\\#1,OU=Mail+CN=\\ #Alice\\ ,O=Example\\, Inc. \\"A\\+B\\",C=DE');
  });
});

describe('serialHex', () => {
  it('drops sign-padding zeros but keeps a zero serial', () => {
    expect(serialHex(new Uint8Array([0, 0x80, 1]))).toBe('8001');
    expect(serialHex(new Uint8Array([0]))).toBe('00');
  });
});

describe('signatureSchemeOf', () => {
  const algorithm = (oid: string, params?: asn1js.AsnType) => new pkijs.AlgorithmIdentifier({ schema: parseAsn1(toDer(new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), ...(params ? [params] : [])] })), 'alg') });
  const hashId = (oid: string) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid })] });
  const pss = (hash: string, mgfHash: string, salt?: number) =>
    new asn1js.Sequence({
      value: [
        new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [hashId(hash)] }),
        new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.mgf1 }), hashId(mgfHash)] })] }),
        ...(salt === undefined ? [] : [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 2 }, value: [new asn1js.Integer({ value: salt })] })]),
      ],
    });

  it('takes the hash from digestAlgorithm for rsaEncryption and id-ecPublicKey', () => {
    expect(signatureSchemeOf(algorithm(OID.rsaEncryption, new asn1js.Null()), 'SHA-384')).toEqual({ scheme: 'rsa-pkcs1', hash: 'SHA-384' });
    expect(signatureSchemeOf(algorithm(OID.ecPublicKey), 'SHA-512')).toEqual({ scheme: 'ecdsa', hash: 'SHA-512' });
    expect(signatureSchemeOf(algorithm(OID.sha1WithRsa), 'SHA-256')).toEqual({ scheme: 'rsa-pkcs1', hash: 'SHA-1' });
    expect(signatureSchemeOf(algorithm(OID.ed25519), 'SHA-512')).toEqual({ scheme: 'ed25519' });
  });

  it('reads RSASSA-PSS parameters: defaults, OpenSSL max salt, and refuses a mixed MGF', () => {
    expect(signatureSchemeOf(algorithm(OID.rsassaPss, new asn1js.Sequence()), 'SHA-256')).toEqual({ scheme: 'rsa-pss', hash: 'SHA-1', saltLength: 20 });
    expect(signatureSchemeOf(algorithm(OID.rsassaPss, pss(OID.sha256, OID.sha256, 222)), 'SHA-256')).toEqual({ scheme: 'rsa-pss', hash: 'SHA-256', saltLength: 222 });
    expect(() => signatureSchemeOf(algorithm(OID.rsassaPss, pss(OID.sha256, OID.sha1, 32)), 'SHA-256')).toThrow(/mask generation/);
  });

  it('refuses unknown algorithms and digests WebCrypto lacks', () => {
    expect(() => signatureSchemeOf(algorithm('1.2.840.10040.4.3'), 'SHA-1')).toThrow(/not supported/);
    expect(() => signatureSchemeOf(algorithm(OID.rsaEncryption), 'MD5')).toThrow(/MD5/);
  });

  it('names algorithms the way reports show them', () => {
    expect(algorithmName({ scheme: 'ecdsa', hash: 'SHA-384' }, 'P-384')).toBe('ecdsa-p384-sha384');
    expect(algorithmName({ scheme: 'ecdsa', hash: 'SHA-256' })).toBe('ecdsa-sha256');
    expect(algorithmName({ scheme: 'rsa-pss', hash: 'SHA-512', saltLength: 64 })).toBe('rsa-pss-sha512');
    expect(algorithmName({ scheme: 'ed25519' })).toBe('ed25519');
  });
});
