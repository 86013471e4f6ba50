// The bridge's TLS identity: an ECDSA P-256 key made at first start and a self-signed certificate
// for 127.0.0.1 and localhost, both in the bridge's config dir. Made with pkijs, so desktop users
// need no OpenSSL. The key is kept when the certificate is renewed, so the SPKI hash (what
// Chromium's --ignore-certificate-errors-spki-list pins) stays the same.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** Below Chromium's and Apple's caps for TLS server certificates (398 and 825 days). */
const VALIDITY_DAYS = 397;
const RENEW_BEFORE_DAYS = 30;
const DAY = 24 * 60 * 60 * 1000;

const OID = {
  commonName: '2.5.4.3',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

export interface LocalCertificate {
  keyPem: string;
  certPem: string;
  /** base64 SHA-256 of the certificate's SubjectPublicKeyInfo. */
  spkiSha256: string;
}

const pem = (label: string, der: Uint8Array) => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END ${label}-----\n`;

const extension = (extnID: string, value: asn1js.BaseBlock, critical = false) => new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });

async function issue(privateKey: crypto.KeyObject, now: Date): Promise<string> {
  const { subtle } = globalThis.crypto;
  const signingKey = await subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const spki = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'der' });

  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ valueHex: crypto.randomBytes(16).map((b, i) => (i === 0 ? b & 0x7f : b)) });
  const name = new pkijs.RelativeDistinguishedNames({
    typesAndValues: [new pkijs.AttributeTypeAndValue({ type: OID.commonName, value: new asn1js.Utf8String({ value: 'Sealpost card bridge (127.0.0.1)' }) })],
  });
  certificate.subject = name;
  certificate.issuer = name;
  certificate.notBefore.value = new Date(now.getTime() - DAY);
  certificate.notAfter.value = new Date(now.getTime() + VALIDITY_DAYS * DAY);
  certificate.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(spki);
  const altNames = new pkijs.AltName({
    altNames: [
      new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: Uint8Array.of(127, 0, 0, 1) }) }),
      new pkijs.GeneralName({ type: 2, value: 'localhost' }),
    ],
  });
  certificate.extensions = [
    extension(OID.subjectAltName, altNames.toSchema()),
    extension(OID.basicConstraints, new pkijs.BasicConstraints({ cA: false }).toSchema(), true),
    // digitalSignature only (RFC 5280 section 4.2.1.3): an ECDHE-ECDSA server signs its handshake.
    extension(OID.keyUsage, new asn1js.BitString({ valueHex: Uint8Array.of(0x80), unusedBits: 7 }), true),
    extension(OID.extKeyUsage, new pkijs.ExtKeyUsage({ keyPurposes: [OID.serverAuth] }).toSchema()),
  ];
  await certificate.sign(signingKey, 'SHA-256', new pkijs.CryptoEngine({ crypto: globalThis.crypto }));
  return pem('CERTIFICATE', new Uint8Array(certificate.toSchema(true).toBER(false)));
}

const spkiHash = (certPem: string) =>
  crypto.createHash('sha256').update(new crypto.X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');

/** Loads the key and certificate from `dir`, making the key if there is none and the certificate when it is missing or near its end. */
export async function loadOrCreateCertificate(dir: string, now = new Date()): Promise<LocalCertificate> {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  if (!fs.existsSync(keyFile)) {
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    fs.writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    fs.rmSync(certFile, { force: true });
  }
  const keyPem = fs.readFileSync(keyFile, 'utf8');
  let certPem = fs.existsSync(certFile) ? fs.readFileSync(certFile, 'utf8') : '';
  const expiring = !certPem || new Date(new crypto.X509Certificate(certPem).validTo).getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY;
  if (expiring) {
    certPem = await issue(crypto.createPrivateKey(keyPem), now);
    fs.writeFileSync(certFile, certPem);
  }
  return { keyPem, certPem, spkiSha256: spkiHash(certPem) };
}
