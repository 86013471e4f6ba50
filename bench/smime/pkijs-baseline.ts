// "pkijs straight": the six operations done the simplest honest way, as pkijs documents them, on
// the platform's WebCrypto. Not Sealpost's engine: a reference row showing what a straightforward
// pkijs pipeline costs (issue 4 puts it near 4x OpenSSL). It trusts pkijs's checks, which
// lib/smime must not (see lib/smime/README.md); here only the cost matters.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import type { BenchMaterial, Operations } from './operations';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
};

/** The bytes as an ArrayBuffer of their own, which pkijs's ArrayBuffer parameters expect. */
function arrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return whole ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
}

/**
 * A ContentInfo from DER. pkijs's own ContentInfo.fromBER keeps asn1js's default cap of 16 MB of
 * content, which a 25 MB message exceeds: the cap is lifted to the input's size, nothing else.
 */
function parseContentInfo(der: Uint8Array): pkijs.ContentInfo {
  const asn1 = asn1js.fromBER(der, { maxContentLength: der.byteLength });
  if (asn1.offset === -1) throw new Error(`pkijs: ${asn1.result.error}`);
  return new pkijs.ContentInfo({ schema: asn1.result });
}

const contentInfo = (contentType: string, content: asn1js.Sequence) =>
  new Uint8Array(new pkijs.ContentInfo({ contentType, content }).toSchema().toBER());

export async function createOperations(material: BenchMaterial): Promise<Operations> {
  const crypto = globalThis.crypto;
  pkijs.setEngine('bench', new pkijs.CryptoEngine({ name: 'bench', crypto }));
  const signerCert = pkijs.Certificate.fromBER(arrayBuffer(material.signer.certificateDer));
  const recipientCert = pkijs.Certificate.fromBER(arrayBuffer(material.recipient.certificateDer));
  const signingKey = await crypto.subtle.importKey('pkcs8', arrayBuffer(material.signer.pkcs8), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  const recipientPkcs8 = arrayBuffer(material.recipient.pkcs8);

  async function signedData(content: Uint8Array, detached: boolean): Promise<Uint8Array> {
    const data = arrayBuffer(content);
    const digest = await crypto.subtle.digest('SHA-256', data);
    const signed = new pkijs.SignedData({
      version: 1,
      encapContentInfo: new pkijs.EncapsulatedContentInfo({
        eContentType: OID.data,
        ...(detached ? {} : { eContent: new asn1js.OctetString({ valueHex: data }) }),
      }),
      signerInfos: [
        new pkijs.SignerInfo({
          version: 1,
          sid: new pkijs.IssuerAndSerialNumber({ issuer: signerCert.issuer, serialNumber: signerCert.serialNumber }),
          signedAttrs: new pkijs.SignedAndUnsignedAttributes({
            type: 0,
            attributes: [
              new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
              new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: new Date() })] }),
              new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: digest })] }),
            ],
          }),
        }),
      ],
      certificates: [signerCert],
    });
    await signed.sign(signingKey, 0, 'SHA-256');
    return contentInfo(OID.signedData, signed.toSchema(true));
  }

  /** Verifies the first signer; returns the content (the detached one, or eContent). */
  async function verifySigned(der: Uint8Array, detachedContent?: Uint8Array): Promise<Uint8Array> {
    const signed = new pkijs.SignedData({ schema: parseContentInfo(der).content });
    const data = detachedContent ? arrayBuffer(detachedContent) : undefined;
    const ok = await signed.verify({ signer: 0, data, checkChain: false });
    if (!ok) throw new Error('pkijs: the signature does not verify');
    if (detachedContent) return detachedContent;
    const eContent = signed.encapContentInfo.eContent;
    if (!eContent) throw new Error('pkijs: the SignedData has no content');
    return new Uint8Array(eContent.getValue());
  }

  async function envelope(content: Uint8Array): Promise<Uint8Array> {
    const enveloped = new pkijs.EnvelopedData();
    enveloped.addRecipientByCertificate(recipientCert, { oaepHashAlgorithm: 'SHA-256' }, 1);
    await enveloped.encrypt({ name: 'AES-CBC', length: 256 } as Algorithm, arrayBuffer(content));
    return contentInfo(OID.envelopedData, enveloped.toSchema());
  }

  async function open(der: Uint8Array): Promise<Uint8Array> {
    const enveloped = new pkijs.EnvelopedData({ schema: parseContentInfo(der).content });
    return new Uint8Array(await enveloped.decrypt(0, { recipientCertificate: recipientCert, recipientPrivateKey: recipientPkcs8 }));
  }

  return {
    sign: (content) => signedData(content, true),
    verify: async (signed, content) => {
      await verifySigned(signed, content);
    },
    encrypt: envelope,
    decrypt: open,
    signEncrypt: async (content) => envelope(await signedData(content, false)),
    decryptVerify: async (der) => verifySigned(await open(der)),
  };
}
