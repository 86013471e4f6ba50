// The X.509 extensions the engine acts on (RFC 5280 section 4.2), read with the bounded parser.
// pkijs parses extension values lazily and swallows its own errors (a broken basicConstraints
// reads as "not a CA" without a word), so every value is parsed here from extnValue, and a
// value that does not parse is an error, never a default.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { parseAs, parseAsn1 } from '../asn1/parse-der';
import { SmimeError } from '../errors';
import { OID } from '../oids';

type Extensible = { extensions?: pkijs.Extension[] };

/** The one extension with this OID, or undefined. Two of the same kind are malformed (RFC 5280 section 4.2). */
export function findExtension(holder: Extensible, oid: string): pkijs.Extension | undefined {
  const found = (holder.extensions ?? []).filter((extension) => extension.extnID === oid);
  if (found.length > 1) throw new SmimeError('malformed-certificate', `The extension ${oid} appears more than once.`);
  return found[0];
}

function parseExtension<T>(holder: Extensible, oid: string, what: string, build: (schema: asn1js.AsnType) => T): T | undefined {
  const extension = findExtension(holder, oid);
  if (!extension) return undefined;
  try {
    return parseAs(extension.extnValue.valueBlock.valueHexView, what, build);
  } catch (error) {
    throw new SmimeError('malformed-certificate', `The ${what} extension cannot be read.`, { cause: error });
  }
}

export interface BasicConstraintsValue {
  ca: boolean;
  pathLength?: number;
}

export function basicConstraints(holder: Extensible): BasicConstraintsValue | undefined {
  const value = parseExtension(holder, OID.basicConstraints, 'basic constraints', (schema) => new pkijs.BasicConstraints({ schema }));
  if (!value) return undefined;
  const length = value.pathLenConstraint;
  const pathLength = length === undefined ? undefined : typeof length === 'number' ? length : length.valueBlock.valueDec;
  if (pathLength !== undefined && (!Number.isSafeInteger(pathLength) || pathLength < 0)) {
    throw new SmimeError('malformed-certificate', 'The basic constraints extension has a negative or huge path length.');
  }
  return { ca: value.cA === true, pathLength };
}

export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];

/** The key usage bits that are set, by name; undefined when the extension is absent (any usage). */
export function keyUsage(holder: Extensible): Set<KeyUsageName> | undefined {
  const bits = parseExtension(holder, OID.keyUsage, 'key usage', (schema) => {
    if (!(schema instanceof asn1js.BitString)) throw new Error('not a BIT STRING');
    return schema.valueBlock.valueHexView;
  });
  if (!bits) return undefined;
  const names = new Set<KeyUsageName>();
  KEY_USAGE_BITS.forEach((name, bit) => {
    if (((bits[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0) names.add(name);
  });
  return names;
}

/** The extended key usage OIDs; undefined when the extension is absent. */
export function extendedKeyUsage(holder: Extensible): string[] | undefined {
  return parseExtension(holder, OID.extKeyUsage, 'extended key usage', (schema) => new pkijs.ExtKeyUsage({ schema }).keyPurposes);
}

export function subjectKeyIdentifier(holder: Extensible): Uint8Array | undefined {
  return parseExtension(holder, OID.subjectKeyIdentifier, 'subject key identifier', (schema) => {
    if (!(schema instanceof asn1js.OctetString)) throw new Error('not an OCTET STRING');
    return schema.valueBlock.valueHexView;
  });
}

export function authorityKeyIdentifier(holder: Extensible): Uint8Array | undefined {
  const value = parseExtension(holder, OID.authorityKeyIdentifier, 'authority key identifier', (schema) => new pkijs.AuthorityKeyIdentifier({ schema }));
  return value?.keyIdentifier?.valueBlock.valueHexView;
}

export function subjectAltNames(holder: Extensible): pkijs.GeneralName[] {
  return parseExtension(holder, OID.subjectAltName, 'subject alternative name', (schema) => new pkijs.AltName({ schema }).altNames) ?? [];
}

/** URIs of one access method (caIssuers or OCSP) in authorityInfoAccess, http(s) only. */
export function authorityInfoAccessUrls(holder: Extensible, method: typeof OID.caIssuers | typeof OID.ocsp): string[] {
  const access = parseExtension(holder, OID.authorityInfoAccess, 'authority information access', (schema) => new pkijs.InfoAccess({ schema }));
  return (access?.accessDescriptions ?? [])
    .filter((description) => description.accessMethod === method)
    .flatMap((description) => uriOf(description.accessLocation));
}

/**
 * http(s) URIs of the CRL distribution points that publish complete CRLs for all reasons from
 * the certificate's own issuer: points with a cRLIssuer (indirect CRLs) or a reasons subset are
 * skipped, since we do not combine partial CRLs.
 */
export function crlDistributionUrls(holder: Extensible): string[] {
  const points = parseExtension(holder, OID.crlDistributionPoints, 'CRL distribution points', (schema) => new pkijs.CRLDistributionPoints({ schema }));
  return (points?.distributionPoints ?? [])
    .filter((point) => point.cRLIssuer === undefined && point.reasons === undefined)
    .flatMap((point) => (Array.isArray(point.distributionPoint) ? point.distributionPoint.flatMap(uriOf) : []));
}

/** A GeneralName's URI when it is an http(s) URL; LDAP and others are never fetched. */
export function uriOf(name: pkijs.GeneralName): string[] {
  if (name.type !== 6 || typeof name.value !== 'string') return [];
  return /^https?:\/\//i.test(name.value) ? [name.value] : [];
}

// Extensions whose meaning we implement, or which carry no constraint we must enforce. Name
// constraints are checked in name-constraints.ts; certificatePolicies, policyMappings,
// policyConstraints and inhibitAnyPolicy in certificate-policies.ts.
const UNDERSTOOD_EXTENSIONS = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.certificatePolicies,
  OID.nameConstraints,
  OID.policyMappings,
  OID.policyConstraints,
  OID.inhibitAnyPolicy,
  OID.crlDistributionPoints,
  OID.authorityInfoAccess,
  '2.5.29.18', // issuerAltName
  '1.3.6.1.5.5.7.48.1.5', // id-pkix-ocsp-nocheck (RFC 6960 section 4.2.2.2.1)
]);

/** OIDs of critical extensions we do not understand: the certificate must not be used (RFC 5280 section 4.2). */
export function unknownCriticalExtensions(holder: Extensible): string[] {
  return (holder.extensions ?? []).filter((e) => e.critical && !UNDERSTOOD_EXTENSIONS.has(e.extnID)).map((e) => e.extnID);
}

/** Parses an extension's value as a plain ASN.1 value (for CRL and OCSP extensions). */
export function extensionValue(extension: pkijs.Extension, what: string): asn1js.AsnType {
  return parseAsn1(extension.extnValue.valueBlock.valueHexView, what);
}
