// Name constraints (RFC 5280 sections 4.2.1.10 and 6.1.3 (b), (c)): every CA of the path limits
// the names of every certificate below it. Checking each CA's subtrees on their own is the same
// as the RFC's running intersection of permitted_subtrees and union of excluded_subtrees.
// A name of a type we do not compare (otherName, x400Address, ediPartyName, registeredID, a URI
// without a host name, an address with a non-ASCII domain) fails when that CA constrains its type.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { parseAsn1 } from '../asn1/parse-der';
import { isSmimeError, SmimeError } from '../errors';
import { OID } from '../oids';
import { findExtension } from './certificate-extensions';
import { displayName, isSelfIssued, nameToString } from './certificate-identity';
import type { PathProblem } from './check-path';
import { ia5, readGeneralName, readGeneralNames, sameRdn, subjectRdns, type GeneralName, type Rdn } from './general-names';

export interface NameConstraintsValue {
  /** Names of a type listed here must fall in one of its subtrees; types not listed are free. */
  permitted: GeneralName[];
  excluded: GeneralName[];
}

/** The CA's nameConstraints, or undefined when it has none. */
export function nameConstraints(certificate: pkijs.Certificate): NameConstraintsValue | undefined {
  const extension = findExtension(certificate, OID.nameConstraints);
  if (!extension) return undefined;
  const value = parseAsn1(extension.extnValue.valueBlock.valueHexView, 'name constraints');
  const malformed = (why: string) => new SmimeError('malformed-certificate', `The name constraints extension ${why}.`);
  if (!(value instanceof asn1js.Sequence)) throw malformed('is not a SEQUENCE');
  const result: NameConstraintsValue = { permitted: [], excluded: [] };
  let lastTag = -1;
  for (const part of value.valueBlock.value) {
    const tag = part.idBlock.tagNumber;
    if (part.idBlock.tagClass !== 3 || tag > 1 || tag <= lastTag || !(part instanceof asn1js.Constructed)) throw malformed('has an unexpected field');
    lastTag = tag;
    const subtrees = part.valueBlock.value.map((subtree) => {
      if (!(subtree instanceof asn1js.Sequence) || subtree.valueBlock.value.length === 0) throw malformed('has a subtree that is not a SEQUENCE');
      // RFC 5280 section 4.2.1.10: minimum MUST be zero and maximum MUST be absent; DER leaves both out.
      if (subtree.valueBlock.value.length > 1) throw malformed('sets a minimum or maximum distance, which RFC 5280 does not allow');
      return readGeneralName(subtree.valueBlock.value[0]!);
    });
    if (subtrees.length === 0) throw malformed('has an empty list of subtrees');
    (tag === 0 ? result.permitted : result.excluded).push(...subtrees);
  }
  if (lastTag === -1) throw malformed('is empty');
  return result;
}

/** The names a certificate is checked under: subject DN, subject emailAddress attributes, subjectAltName. */
export function certificateNames(certificate: pkijs.Certificate): GeneralName[] {
  const names: GeneralName[] = [];
  const rdns = subjectRdns(certificate);
  if (rdns.length > 0) names.push({ type: 'directoryName', rdns });
  // RFC 5280 requires this when there is no subjectAltName; like OpenSSL we always do it, as the
  // subject address is what a reader is shown when the alternative name is missing or different.
  for (const attribute of rdns.flat().filter((a) => a.type === OID.emailAddress)) {
    if (!(attribute.value instanceof asn1js.IA5String)) throw new SmimeError('malformed-certificate', 'The subject emailAddress is not an IA5String.');
    names.push({ type: 'rfc822Name', value: ia5(attribute.value.valueBlock.valueHexView) });
  }
  const altName = findExtension(certificate, OID.subjectAltName);
  for (const name of altName ? readGeneralNames(altName.extnValue.valueBlock.valueHexView, 'subject alternative name') : []) {
    names.push(name);
    // RFC 8398 section 6: a SmtpUTF8Mailbox is also held to the rfc822Name constraints.
    if (name.type === 'otherName' && name.typeId === OID.smtpUtf8Mailbox) {
      if (!(name.value instanceof asn1js.Utf8String)) throw new SmimeError('malformed-certificate', 'A SmtpUTF8Mailbox is not a UTF8String.');
      names.push({ type: 'rfc822Name', value: name.value.valueBlock.value });
    }
  }
  return names;
}

/** Problems of an anchored path (end entity first, anchor last), the anchor's constraints included as OpenSSL does. */
export function nameConstraintProblems(path: pkijs.Certificate[]): PathProblem[] {
  const problems: PathProblem[] = [];
  const problem = (reason: string) => problems.push({ verdict: 'untrusted-root', reason });
  const namesOf = new Map<number, GeneralName[]>();
  const readNames = (index: number) => {
    if (!namesOf.has(index)) {
      try {
        namesOf.set(index, certificateNames(path[index]!));
      } catch (error) {
        if (!isSmimeError(error)) throw error;
        problem(`The names of ${owner(path, index)} cannot be read: ${error.message}`);
        namesOf.set(index, []);
      }
    }
    return namesOf.get(index) ?? [];
  };
  path.forEach((ca, caIndex) => {
    if (caIndex === 0) return;
    let constraints: NameConstraintsValue | undefined;
    try {
      constraints = nameConstraints(ca);
    } catch (error) {
      if (!isSmimeError(error)) throw error;
      problem(`The certificate ${displayName(ca)} cannot be read: ${error.message}`);
      return;
    }
    if (!constraints) return;
    for (let index = 0; index < caIndex; index++) {
      // RFC 5280 section 6.1.3 (b), (c): a self-issued intermediate (a CA's new key) is not checked.
      if (index > 0 && isSelfIssued(path[index]!)) continue;
      for (const name of readNames(index)) {
        const verdict = judgeName(name, constraints);
        if (verdict === 'permitted') continue;
        const what = `${describeName(name)}${index === 0 ? '' : ` of ${displayName(path[index]!)}`}`;
        const issuer = displayName(ca);
        if (verdict === 'outside') problem(`${what} is outside the names ${issuer} may certify.`);
        else if (verdict === 'excluded') problem(`${what} is among the names ${issuer} may not certify.`);
        else problem(`${what} cannot be checked against the name constraints of ${issuer}, which limit names of its kind.`);
      }
    }
  });
  return problems;
}

type Judgement = 'permitted' | 'outside' | 'excluded' | 'unknown';

/** One name against one CA's constraints: subtrees of other kinds do not apply to it. */
export function judgeName(name: GeneralName, constraints: NameConstraintsValue): Judgement {
  const sameKind = (base: GeneralName) => kindOf(base) === kindOf(name);
  const excluded = constraints.excluded.filter(sameKind).map((base) => within(name, base));
  if (excluded.includes(true)) return 'excluded';
  if (excluded.includes('unknown')) return 'unknown';
  const permitted = constraints.permitted.filter(sameKind).map((base) => within(name, base));
  if (permitted.length === 0 || permitted.includes(true)) return 'permitted';
  return permitted.includes('unknown') ? 'unknown' : 'outside';
}

function kindOf(name: GeneralName): string {
  return name.type === 'otherName' ? `otherName ${name.typeId}` : name.type;
}

/** Whether `name` lies in the subtree `base` (of the same kind); 'unknown' when we cannot say. */
function within(name: GeneralName, base: GeneralName): boolean | 'unknown' {
  if (name.type === 'rfc822Name' && base.type === 'rfc822Name') return mailboxWithin(name.value, base.value);
  if (name.type === 'dNSName' && base.type === 'dNSName') return dnsNameWithin(name.value, base.value);
  if (name.type === 'directoryName' && base.type === 'directoryName') return directoryWithin(name.rdns, base.rdns);
  if (name.type === 'iPAddress' && base.type === 'iPAddress') return ipAddressWithin(name.bytes, base.bytes);
  if (name.type === 'uniformResourceIdentifier' && base.type === 'uniformResourceIdentifier') return uriWithin(name.value, base.value);
  return 'unknown';
}

const isAscii = (text: string) => Array.from(text).every((c) => c.charCodeAt(0) < 0x80);

/**
 * RFC 5280 section 4.2.1.10: "user@example.org" is that mailbox (local part case-sensitive),
 * "example.org" every mailbox at that host, ".example.org" every mailbox in its subdomains.
 * Domains compare case-insensitively. A non-ASCII domain (SmtpUTF8Mailbox) would need IDNA
 * A-labels (RFC 8398 section 6), which we do not compute.
 */
export function mailboxWithin(address: string, base: string): boolean | 'unknown' {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return 'unknown';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (!isAscii(domain)) return 'unknown';
  const baseAt = base.lastIndexOf('@');
  if (baseAt > 0) return local === base.slice(0, baseAt) && sameDomain(domain, base.slice(baseAt + 1));
  const host = base.slice(baseAt + 1);
  if (host.startsWith('.')) return domain.toLowerCase().endsWith(host.toLowerCase());
  return sameDomain(domain, host);
}

const sameDomain = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** "example.org" covers itself and every name below it (not "badexample.org"); ".example.org" only names below it. */
export function dnsNameWithin(name: string, base: string): boolean {
  const lower = name.toLowerCase();
  const constraint = base.toLowerCase();
  if (constraint === '') return true;
  if (constraint.startsWith('.')) return lower.endsWith(constraint);
  return lower === constraint || lower.endsWith(`.${constraint}`);
}

/** The subject is within the subtree when its RDN sequence starts with the constraint's. */
export function directoryWithin(rdns: Rdn[], base: Rdn[]): boolean {
  return base.length <= rdns.length && base.every((rdn, i) => sameRdn(rdn, rdns[i]!));
}

/** iPAddress constraints are address and mask (8 bytes for IPv4, 32 for IPv6). */
export function ipAddressWithin(address: Uint8Array, base: Uint8Array): boolean | 'unknown' {
  if (base.length !== 8 && base.length !== 32) throw new SmimeError('malformed-certificate', 'An iPAddress name constraint is neither 8 nor 32 bytes.');
  if (address.length !== 4 && address.length !== 16) return 'unknown';
  if (address.length * 2 !== base.length) return false;
  return address.every((byte, i) => (byte & base[address.length + i]!) === (base[i]! & base[address.length + i]!));
}

/** A URI is judged by its host (RFC 5280): "host.example.org" is that host only, ".example.org" the hosts below it. */
export function uriWithin(uri: string, base: string): boolean | 'unknown' {
  const host = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^:/?#[\]]+)(?::\d*)?(?:[/?#]|$)/i.exec(uri)?.[1]?.toLowerCase();
  if (!host || /^[\d.]+$/.test(host)) return 'unknown'; // no host name, or an IP address
  const constraint = base.toLowerCase();
  return constraint.startsWith('.') ? host.endsWith(constraint) : host === constraint;
}

const LABELS: Record<GeneralName['type'], string> = {
  rfc822Name: 'The address',
  dNSName: 'The domain name',
  directoryName: 'The name',
  uniformResourceIdentifier: 'The URI',
  iPAddress: 'The IP address',
  otherName: 'The other name',
  x400Address: 'The X.400 address',
  ediPartyName: 'The EDI party name',
  registeredID: 'The registered ID',
};

function describeName(name: GeneralName): string {
  const label = LABELS[name.type];
  switch (name.type) {
    case 'rfc822Name':
    case 'dNSName':
    case 'uniformResourceIdentifier':
      return `${label} ${name.value}`;
    case 'directoryName':
      return `${label} "${nameToString(new pkijs.RelativeDistinguishedNames({ typesAndValues: name.rdns.flat() }))}"`;
    case 'iPAddress':
      return `${label} ${name.bytes.length === 4 ? name.bytes.join('.') : Array.from(name.bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
    case 'otherName':
      return `${label} of type ${name.typeId}`;
    default:
      return label;
  }
}

function owner(path: pkijs.Certificate[], index: number): string {
  return index === 0 ? 'the certificate' : displayName(path[index]!);
}
