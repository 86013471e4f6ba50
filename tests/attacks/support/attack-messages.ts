// Shared by the attack tests: an OpenSSL test PKI with identities lib/smime can use, and the few
// moves every attack makes on a message: take the CMS out of an S/MIME part, change it, put it back.
import * as pkijs from 'pkijs';

import { type Identity, type ReadResult, readMessage, softKeyFromPkcs8, type TrustSettings } from '@/lib/smime';
import { base64Body } from '@/lib/smime/mime/build-mime';
import { decodedBody } from '@/lib/smime/mime/part-content';
import { parseMime } from '@/lib/smime/mime/parse-mime';

import { createTestPki, type IssuedCert, type TestPki } from '../../support/test-pki';

export const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
export const latin1 = (data: Uint8Array) => Buffer.from(data).toString('latin1');

export const HEADERS = 'From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: Payment\r\nMIME-Version: 1.0\r\n';
/** A plain message as the composer hands it to signMessage / encryptMessage. */
export const PAYMENT = bytes(`${HEADERS}Content-Type: text/plain; charset=us-ascii\r\n\r\nPay Bob 10 euros.\r\n`);

export interface AttackPki {
  pki: TestPki;
  alice: IssuedCert;
  bob: IssuedCert;
  eve: IssuedCert;
  certificate(cert: IssuedCert): pkijs.Certificate;
  identity(cert: IssuedCert): Identity;
  trust(): TrustSettings;
  /** readMessage with Bob's key (the usual victim) and the test root as the only anchor. */
  read(message: Uint8Array, identities?: Identity[]): Promise<ReadResult>;
}

/** Alice (sender), Bob (recipient) and Eve (attacker, with a certificate from the same trusted CA). */
export function attackPki(prefix: string): AttackPki {
  const pki = createTestPki(prefix);
  const alice = pki.issue({ name: 'alice', email: 'alice@example.org' });
  const bob = pki.issue({ name: 'bob', email: 'bob@example.org' });
  const eve = pki.issue({ name: 'eve', email: 'eve@example.org' });
  const certificate = (cert: IssuedCert) => pkijs.Certificate.fromBER(new Uint8Array(cert.certDer));
  const identity = (cert: IssuedCert): Identity => ({ certificate: certificate(cert), key: softKeyFromPkcs8(cert.keyPkcs8) });
  const trust = (): TrustSettings => ({ anchors: [certificate(pki.root)], revocation: 'off' });
  const read = (message: Uint8Array, identities: Identity[] = [identity(bob)]) => readMessage(message, { identities, trust: trust() });
  return { pki, alice, bob, eve, certificate, identity, trust, read };
}

/** The DER inside a message whose root is one application/pkcs7-mime part. */
export function pkcs7Der(message: Uint8Array): Uint8Array {
  return decodedBody(parseMime(message));
}

/** A whole message whose root is application/pkcs7-mime holding `der`. */
export function pkcs7Message(der: Uint8Array, smimeType: string, headers = HEADERS): Uint8Array {
  return bytes(
    `${headers}Content-Type: application/pkcs7-mime; smime-type=${smimeType}; name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\n${latin1(base64Body(der))}\r\n`,
  );
}

/** A whole multipart/signed message: `entity` (a MIME entity, CRLF) and `p7s` as its signature part. */
export function clearSignedMessage(entity: string, p7s: Uint8Array, headers = HEADERS): Uint8Array {
  const b = 'attack-boundary';
  return bytes(
    `${headers}Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="${b}"\r\n\r\n` +
      `--${b}\r\n${entity}\r\n--${b}\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\n${latin1(base64Body(p7s))}\r\n--${b}--\r\n`,
  );
}

/** The two parts of a multipart/signed message: the signed entity's bytes and the signature's DER. */
export function clearSignedParts(message: Uint8Array): { entity: string; p7s: Uint8Array } {
  const [content, signature] = parseMime(message).children;
  const source = latin1(content!.source.subarray(content!.start, content!.end));
  return { entity: source, p7s: decodedBody(signature!) };
}
