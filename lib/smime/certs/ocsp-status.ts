// A certificate's status from its issuer's OCSP responder (RFC 6960), asked through the
// untrusted fetcher and believed only after checking: the response is signed by the issuer or by
// a responder the issuer certified for id-kp-OCSPSigning (section 4.2.2.2), it answers for our
// CertID, it is fresh, and it echoes our nonce when it carries one (RFC 8954; many responders
// serve pre-signed answers without it, so then freshness comes from thisUpdate/nextUpdate).
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { parseAs } from '../asn1/parse-der';
import { isSmimeError } from '../errors';
import { LIMITS } from '../limits';
import { OID } from '../oids';
import { digest, webCrypto } from '../web-crypto';
import { extendedKeyUsage, extensionValue, keyUsage, unknownCriticalExtensions } from './certificate-extensions';
import { sameName } from './certificate-identity';
import { bytesEqual } from '../../bytes';
import { fetchPki } from './fetch-pki';
import type { PkiFetcher } from './pki-fetcher';
import { CLOCK_SKEW_MS, reasonName, type RevocationAnswer } from './revocation-answer';
import { certificateSignedPart, verifySignature } from './verify-signature';

/** How old a response without nextUpdate and without our nonce may be. */
const MAX_AGE_WITHOUT_NEXT_UPDATE_MS = 24 * 60 * 60 * 1000;

const RESPONSE_STATUS: Record<number, string> = {
  1: 'malformedRequest',
  2: 'internalError',
  3: 'tryLater',
  5: 'sigRequired',
  6: 'unauthorized',
};

interface Query {
  certId: pkijs.CertID;
  nonce: Uint8Array;
}

export async function ocspStatus(
  certificate: pkijs.Certificate,
  issuer: pkijs.Certificate,
  url: string,
  fetcher: PkiFetcher,
  now: Date,
): Promise<RevocationAnswer> {
  const query = await buildQuery(certificate, issuer);
  let body: Uint8Array;
  try {
    body = await fetchPki(fetcher, { url, method: 'POST', body: encodeRequest(query), contentType: 'application/ocsp-request' });
  } catch (error) {
    return { status: 'unknown', why: `The OCSP responder ${url} could not be reached: ${isSmimeError(error) ? error.message : 'unknown error'}` };
  }
  try {
    return await readResponse(body, query, issuer, now);
  } catch (error) {
    return { status: 'unknown', why: `The OCSP response from ${url} cannot be read${isSmimeError(error) ? `: ${error.message}` : '.'}` };
  }
}

/** CertID with SHA-1 (what every responder supports; it names, it does not protect) and a 16-byte nonce. */
async function buildQuery(certificate: pkijs.Certificate, issuer: pkijs.Certificate): Promise<Query> {
  const issuerName = new Uint8Array(certificate.issuer.toSchema().toBER(false));
  const certId = new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha1, algorithmParams: new asn1js.Null() }),
    issuerNameHash: new asn1js.OctetString({ valueHex: (await digest('SHA-1', issuerName)).slice().buffer }),
    issuerKeyHash: new asn1js.OctetString({ valueHex: (await keyHash(issuer)).slice().buffer }),
    serialNumber: new asn1js.Integer({ valueHex: certificate.serialNumber.valueBlock.valueHexView.slice().buffer }),
  });
  return { certId, nonce: webCrypto().getRandomValues(new Uint8Array(16)) };
}

/** SHA-1 of the subjectPublicKey BIT STRING's value (RFC 6960 section 4.1.1; also byKey responder IDs). */
async function keyHash(certificate: pkijs.Certificate): Promise<Uint8Array> {
  return digest('SHA-1', certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView);
}

function encodeRequest(query: Query): Uint8Array {
  const request = new pkijs.OCSPRequest();
  request.tbsRequest.requestList = [new pkijs.Request({ reqCert: query.certId })];
  request.tbsRequest.requestExtensions = [
    new pkijs.Extension({
      extnID: OID.ocspNonce,
      critical: false,
      extnValue: new asn1js.OctetString({ valueHex: query.nonce.slice().buffer }).toBER(false),
    }),
  ];
  return new Uint8Array(request.toSchema(true).toBER(false));
}

async function readResponse(body: Uint8Array, query: Query, issuer: pkijs.Certificate, now: Date): Promise<RevocationAnswer> {
  const response = parseAs(body, 'OCSP response', (schema) => new pkijs.OCSPResponse({ schema }));
  const status = response.responseStatus.valueBlock.valueDec;
  if (status !== 0) return { status: 'unknown', why: `The OCSP responder refused to answer (${RESPONSE_STATUS[status] ?? status}).` };
  if (response.responseBytes?.responseType !== OID.ocspBasic) return { status: 'unknown', why: 'The OCSP response is not a basic response.' };
  const basic = parseAs(response.responseBytes.response.valueBlock.valueHexView, 'OCSP basic response', (schema) => new pkijs.BasicOCSPResponse({ schema }));
  const data = basic.tbsResponseData;

  const signer = await findSigner(basic, issuer, now);
  if (!signer) return { status: 'unknown', why: 'The OCSP response is not signed by the issuer or by a responder the issuer authorized.' };
  const problem = await verifySignature(
    { tbs: data.tbsView, algorithm: basic.signatureAlgorithm, signature: basic.signature.valueBlock.valueHexView },
    signer.subjectPublicKeyInfo,
  );
  if (problem) return { status: 'unknown', why: `The OCSP response's signature does not verify: ${problem}` };

  const nonce = responseNonce(data);
  if (nonce && !bytesEqual(nonce, query.nonce)) return { status: 'unknown', why: 'The OCSP response answers another request (nonce mismatch).' };
  const single = data.responses.find((r) => sameCertId(r.certID, query.certId));
  if (!single) return { status: 'unknown', why: 'The OCSP response does not answer for this certificate.' };

  const thisUpdate = single.thisUpdate;
  if (thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) return { status: 'unknown', why: 'The OCSP response is dated in the future.' };
  if (single.nextUpdate ? single.nextUpdate.getTime() < now.getTime() - CLOCK_SKEW_MS : !nonce && now.getTime() - thisUpdate.getTime() > MAX_AGE_WITHOUT_NEXT_UPDATE_MS) {
    return { status: 'unknown', why: 'The OCSP response is out of date.' };
  }
  return certificateStatus(single, thisUpdate);
}

/** The issuer itself, or a delegated responder from the response's certificates (RFC 6960 section 4.2.2.2). */
async function findSigner(basic: pkijs.BasicOCSPResponse, issuer: pkijs.Certificate, now: Date): Promise<pkijs.Certificate | null> {
  const responderId = basic.tbsResponseData.responderID as pkijs.RelativeDistinguishedNames | asn1js.OctetString;
  const isResponder = async (candidate: pkijs.Certificate) =>
    responderId instanceof pkijs.RelativeDistinguishedNames
      ? sameName(responderId, candidate.subject)
      : responderId instanceof asn1js.OctetString && bytesEqual(responderId.valueBlock.valueHexView, await keyHash(candidate));
  if (await isResponder(issuer)) return issuer;
  for (const candidate of (basic.certs ?? []).slice(0, LIMITS.chainCandidates)) {
    if (!(await isResponder(candidate))) continue;
    if (await isAuthorizedResponder(candidate, issuer, now)) return candidate;
  }
  return null;
}

async function isAuthorizedResponder(candidate: pkijs.Certificate, issuer: pkijs.Certificate, now: Date): Promise<boolean> {
  try {
    if (!sameName(candidate.issuer, issuer.subject)) return false;
    if (now < candidate.notBefore.value || now > candidate.notAfter.value) return false;
    if (!(extendedKeyUsage(candidate) ?? []).includes(OID.ocspSigning)) return false;
    const usage = keyUsage(candidate);
    if (usage && !usage.has('digitalSignature') && !usage.has('nonRepudiation')) return false;
    if (unknownCriticalExtensions(candidate).length > 0) return false;
    return (await verifySignature(certificateSignedPart(candidate), issuer.subjectPublicKeyInfo)) === null;
  } catch {
    return false;
  }
}

/** The nonce in the response extensions: an OCTET STRING inside extnValue (RFC 8954), or the bare bytes some responders send. */
function responseNonce(data: pkijs.ResponseData): Uint8Array | undefined {
  const extension = (data.responseExtensions ?? []).find((e) => e.extnID === OID.ocspNonce);
  if (!extension) return undefined;
  try {
    const value = extensionValue(extension, 'OCSP nonce');
    if (value instanceof asn1js.OctetString) return value.valueBlock.valueHexView;
  } catch {
    // not DER: the bare form
  }
  return extension.extnValue.valueBlock.valueHexView;
}

function sameCertId(a: pkijs.CertID, b: pkijs.CertID): boolean {
  return (
    a.hashAlgorithm.algorithmId === b.hashAlgorithm.algorithmId &&
    bytesEqual(a.issuerNameHash.valueBlock.valueHexView, b.issuerNameHash.valueBlock.valueHexView) &&
    bytesEqual(a.issuerKeyHash.valueBlock.valueHexView, b.issuerKeyHash.valueBlock.valueHexView) &&
    bytesEqual(a.serialNumber.valueBlock.valueHexView, b.serialNumber.valueBlock.valueHexView)
  );
}

/** CertStatus ::= CHOICE { good [0] NULL, revoked [1] RevokedInfo, unknown [2] NULL }. */
function certificateStatus(single: pkijs.SingleResponse, producedAt: Date): RevocationAnswer {
  const status = single.certStatus as asn1js.BaseBlock;
  const tag = status.idBlock.tagClass === 3 ? status.idBlock.tagNumber : -1;
  if (tag === 0) return { status: 'good', source: 'ocsp', producedAt };
  if (tag === 1 && status instanceof asn1js.Constructed) {
    const [time, reason] = status.valueBlock.value;
    if (!(time instanceof asn1js.GeneralizedTime)) return { status: 'unknown', why: 'The OCSP revocation time cannot be read.' };
    const code = reason instanceof asn1js.Constructed ? reason.valueBlock.value[0] : undefined;
    return {
      status: 'revoked',
      source: 'ocsp',
      producedAt,
      revokedAt: time.toDate(),
      reason: code instanceof asn1js.Enumerated ? reasonName(code.valueBlock.valueDec) : undefined,
    };
  }
  return { status: 'unknown', why: 'The OCSP responder does not know this certificate.' };
}
