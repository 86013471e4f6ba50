// The checks on a built path that need no network (RFC 5280 section 6.1, RFC 8550 section 4):
// validity of every certificate at now and at signing time, CA constraints on every issuer, name
// and policy constraints of an anchored path, and the S/MIME profile of the end entity (key usage
// per purpose, extended key usage, critical extensions). Each problem carries the verdict it
// leads to.
import type * as pkijs from 'pkijs';

import { isSmimeError } from '../errors';
import { OID } from '../oids';
import type { ChainVerdict } from '../report';
import { basicConstraints, extendedKeyUsage, keyUsage, unknownCriticalExtensions } from './certificate-extensions';
import { displayName, isSelfIssued } from './certificate-identity';
import { policyProblems } from './certificate-policies';
import { nameConstraintProblems } from './name-constraints';
import { certificateSignedPart, verifySignature } from './verify-signature';

export interface PathProblem {
  verdict: Exclude<ChainVerdict, 'trusted'>;
  reason: string;
}

export interface PathCheckOptions {
  purpose: 'signing' | 'encryption';
  now: Date;
  signingTime?: Date | null;
}

export const day = (date: Date) => date.toISOString().slice(0, 10);

/** Problems of the path; `anchored` says whether its last certificate is a trust anchor. */
export async function checkPath(path: pkijs.Certificate[], anchored: boolean, options: PathCheckOptions): Promise<PathProblem[]> {
  const problems: PathProblem[] = [];
  if (!anchored) problems.push(await untrustedRootProblem(path));
  path.forEach((certificate, index) => problems.push(...validityProblems(certificate, index === 0, options)));
  path.forEach((certificate, index) => {
    if (index === 0) return;
    const isAnchor = anchored && index === path.length - 1;
    problems.push(...guarded(certificate, 'untrusted-root', () => issuerProblems(certificate, index, path, isAnchor)));
  });
  // Constraints of CAs nobody trusts say nothing; without an anchor there is no path to judge.
  if (anchored) problems.push(...nameConstraintProblems(path), ...policyProblems(path));
  const [endEntity] = path;
  if (endEntity) problems.push(...guarded(endEntity, 'wrong-usage', () => endEntityProblems(endEntity, options.purpose)));
  return problems;
}

/** A malformed extension becomes a problem of the given kind rather than an exception. */
function guarded(certificate: pkijs.Certificate, verdict: PathProblem['verdict'], check: () => PathProblem[]): PathProblem[] {
  try {
    return check();
  } catch (error) {
    if (!isSmimeError(error)) throw error;
    return [{ verdict, reason: `The certificate ${displayName(certificate)} cannot be read: ${error.message}` }];
  }
}

async function untrustedRootProblem(path: pkijs.Certificate[]): Promise<PathProblem> {
  const top = path[path.length - 1]!;
  const selfSigned = isSelfIssued(top) && (await verifySignature(certificateSignedPart(top), top.subjectPublicKeyInfo)) === null;
  if (selfSigned && path.length === 1) return { verdict: 'untrusted-root', reason: 'The certificate is self-signed and not a trusted root.' };
  if (selfSigned) return { verdict: 'untrusted-root', reason: `The chain ends at ${displayName(top)}, a root certificate that is not trusted.` };
  return { verdict: 'untrusted-root', reason: 'No trusted root certificate issued this chain.' };
}

function validityProblems(certificate: pkijs.Certificate, endEntity: boolean, options: PathCheckOptions): PathProblem[] {
  const which = endEntity ? 'The certificate' : `The issuing certificate ${displayName(certificate)}`;
  const from = certificate.notBefore.value;
  const until = certificate.notAfter.value;
  const problems: PathProblem[] = [];
  if (options.now > until) problems.push({ verdict: 'expired', reason: `${which} expired on ${day(until)}.` });
  if (options.now < from) problems.push({ verdict: 'expired', reason: `${which} is not valid before ${day(from)}.` });
  const signed = options.signingTime;
  if (signed && signed > until) {
    problems.push({ verdict: 'expired', reason: `${which} had expired (on ${day(until)}) when the message was signed on ${day(signed)}.` });
  }
  if (signed && signed < from) {
    problems.push({ verdict: 'expired', reason: `${which} was not yet valid (from ${day(from)}) when the message was signed on ${day(signed)}.` });
  }
  return problems;
}

/**
 * An issuer must be a CA (basicConstraints cA; an anchor may be a v1 certificate), may sign
 * certificates (keyCertSign when keyUsage is present), allow the number of intermediates below
 * it (pathLenConstraint, self-issued ones not counted) and carry no critical extension we do not
 * understand. RFC 5280 does not require this of anchors; we check all but the CA flag on them too,
 * as OpenSSL does.
 */
function issuerProblems(issuer: pkijs.Certificate, index: number, path: pkijs.Certificate[], isAnchor: boolean): PathProblem[] {
  const problems: PathProblem[] = [];
  const name = displayName(issuer);
  const constraints = basicConstraints(issuer);
  const v1Anchor = isAnchor && issuer.version === 0;
  if (!constraints?.ca && !v1Anchor) {
    problems.push({ verdict: 'untrusted-root', reason: `${name} issued a certificate in the chain but is not a CA certificate.` });
  }
  const usage = keyUsage(issuer);
  if (usage && !usage.has('keyCertSign')) {
    problems.push({ verdict: 'untrusted-root', reason: `${name} is not allowed to sign certificates (no keyCertSign).` });
  }
  if (constraints?.pathLength !== undefined) {
    const intermediatesBelow = path.slice(1, index).filter((c) => !isSelfIssued(c)).length;
    if (intermediatesBelow > constraints.pathLength) {
      problems.push({
        verdict: 'untrusted-root',
        reason: `${name} allows ${constraints.pathLength} intermediate certificate(s) below it, and the chain has ${intermediatesBelow}.`,
      });
    }
  }
  if (!isAnchor) {
    for (const oid of unknownCriticalExtensions(issuer)) {
      problems.push({ verdict: 'untrusted-root', reason: `${name} has a critical extension (${oid}) that is not understood.` });
    }
  }
  return problems;
}

/** RFC 8550 section 4.4: key usage by purpose and key type, and emailProtection when an EKU is present. */
function endEntityProblems(certificate: pkijs.Certificate, purpose: PathCheckOptions['purpose']): PathProblem[] {
  const problems: PathProblem[] = [];
  const wrong = (reason: string) => problems.push({ verdict: 'wrong-usage', reason });
  for (const oid of unknownCriticalExtensions(certificate)) wrong(`The certificate has a critical extension (${oid}) that is not understood.`);
  const keyType = certificate.subjectPublicKeyInfo.algorithm.algorithmId;
  const usage = keyUsage(certificate);
  if (purpose === 'signing') {
    if (keyType === OID.x25519) wrong('The certificate holds an X25519 key, which cannot sign.');
    else if (usage && !usage.has('digitalSignature') && !usage.has('nonRepudiation')) {
      wrong('The certificate may not be used for signatures (its key usage has neither digitalSignature nor nonRepudiation).');
    }
  } else if (keyType === OID.ed25519) {
    wrong('The certificate holds an Ed25519 key, which cannot be used for encryption.');
  } else if (usage) {
    const needed = keyType === OID.rsaEncryption ? 'keyEncipherment' : 'keyAgreement';
    if (!usage.has(needed)) wrong(`The certificate may not be used for encryption (its key usage lacks ${needed}).`);
  }
  const purposes = extendedKeyUsage(certificate);
  if (purposes && !purposes.includes(OID.emailProtection) && !purposes.includes(OID.anyExtendedKeyUsage)) {
    wrong('The certificate is not meant for email (its extended key usage lacks emailProtection).');
  }
  return problems;
}
