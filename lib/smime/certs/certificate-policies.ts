// Certificate policy processing (RFC 5280 section 6.1, steps 6.1.3 (d)-(f), 6.1.4 (a), (b),
// (h)-(j), 6.1.5 (a), (b), (g)) with S/MIME's inputs: user-initial-policy-set {anyPolicy},
// initial-policy-mapping-inhibit, initial-explicit-policy and initial-any-policy-inhibit all
// false. Nothing in mail asks for a particular policy, so the outcome is pass or fail: a chain
// fails only when a CA required an explicit policy (requireExplicitPolicy) and no policy is
// valid for the whole path, or when a policy extension breaks its rules. Qualifiers are ignored.
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

import { parseAsn1 } from '../asn1/parse-der';
import { isSmimeError, SmimeError } from '../errors';
import { LIMITS } from '../limits';
import { OID } from '../oids';
import { findExtension } from './certificate-extensions';
import { displayName, isSelfIssued } from './certificate-identity';
import type { PathProblem } from './check-path';

/** What one certificate says about policies; undefined fields are absent extensions. */
export interface PolicyFacts {
  name: string;
  selfIssued: boolean;
  policies?: string[];
  mappings?: { issuerDomainPolicy: string; subjectDomainPolicy: string }[];
  requireExplicitPolicy?: number;
  inhibitPolicyMapping?: number;
  inhibitAnyPolicy?: number;
}

interface PolicyNode {
  validPolicy: string;
  expectedPolicies: Set<string>;
  parent: PolicyNode | null;
  children: PolicyNode[];
}

/** Problems of an anchored path (end entity first, anchor last); the anchor takes no part (RFC 5280 section 6.1). */
export function policyProblems(path: pkijs.Certificate[]): PathProblem[] {
  const facts: PolicyFacts[] = [];
  for (const certificate of path.slice(0, -1).reverse()) {
    try {
      facts.push(policyFacts(certificate));
    } catch (error) {
      if (!isSmimeError(error)) throw error;
      return [{ verdict: 'untrusted-root', reason: `The certificate ${displayName(certificate)} cannot be read: ${error.message}` }];
    }
  }
  const reason = policyTreeProblem(facts);
  return reason ? [{ verdict: 'untrusted-root', reason }] : [];
}

/**
 * Runs the policy tree over the certificates from the one the anchor issued (first) to the end
 * entity (last): null when the path is acceptable, else why not.
 */
export function policyTreeProblem(certificates: PolicyFacts[]): string | null {
  const n = certificates.length;
  const ANY = OID.anyPolicy;
  // levels[d] holds the tree's nodes of depth d; null is the RFC's NULL tree.
  let levels: PolicyNode[][] | null = [[{ validPolicy: ANY, expectedPolicies: new Set([ANY]), parent: null, children: [] }]];
  let explicitPolicy = n + 1;
  let policyMapping = n + 1;
  let inhibitAnyPolicy = n + 1;
  let explicitRequiredBy = '';
  let nodes = 1;
  const addChild = (level: PolicyNode[], parent: PolicyNode, validPolicy: string, expected: Iterable<string> = [validPolicy]) => {
    if (++nodes > LIMITS.policyTreeNodes) {
      throw new SmimeError('limit-exceeded', `The certificate policies of the chain make more than ${LIMITS.policyTreeNodes} combinations.`);
    }
    const node: PolicyNode = { validPolicy, expectedPolicies: new Set(expected), parent, children: [] };
    parent.children.push(node);
    level.push(node);
  };

  try {
    for (let i = 1; i <= n; i++) {
      const certificate = certificates[i - 1]!;
      const last = i === n;
      if (levels && certificate.policies) {
        // 6.1.3 (d): grow the tree by one level from the policies this certificate asserts.
        const previous = levels[i - 1]!;
        const level: PolicyNode[] = [];
        for (const policy of certificate.policies.filter((p) => p !== ANY)) {
          const expecting = previous.filter((node) => node.expectedPolicies.has(policy));
          const parents = expecting.length > 0 ? expecting : previous.filter((node) => node.validPolicy === ANY);
          for (const parent of parents) addChild(level, parent, policy);
        }
        if (certificate.policies.includes(ANY) && (inhibitAnyPolicy > 0 || (!last && certificate.selfIssued))) {
          for (const parent of previous) {
            for (const expected of parent.expectedPolicies) {
              if (!parent.children.some((child) => child.validPolicy === expected)) addChild(level, parent, expected);
            }
          }
        }
        levels.push(level);
        levels = prune(levels, i - 1);
      } else if (!certificate.policies) {
        levels = null; // 6.1.3 (e)
      }
      if (explicitPolicy === 0 && !levels) return noPolicyLeft(explicitRequiredBy, certificate.name); // 6.1.3 (f)

      if (last) {
        // 6.1.5 (a), (b); (g) keeps the tree whole, as the initial policy set is anyPolicy.
        if (explicitPolicy > 0) explicitPolicy--;
        if (certificate.requireExplicitPolicy === 0) {
          explicitPolicy = 0;
          explicitRequiredBy = certificate.name;
        }
        if (explicitPolicy === 0 && !levels) return noPolicyLeft(explicitRequiredBy, certificate.name);
        break;
      }

      // 6.1.4 (a), (b): policy mappings.
      const mapped = new Map<string, string[]>();
      for (const { issuerDomainPolicy, subjectDomainPolicy } of certificate.mappings ?? []) {
        if (issuerDomainPolicy === ANY || subjectDomainPolicy === ANY) return `${certificate.name} maps anyPolicy, which RFC 5280 does not allow.`;
        mapped.set(issuerDomainPolicy, [...(mapped.get(issuerDomainPolicy) ?? []), subjectDomainPolicy]);
      }
      for (const [issuerPolicy, subjectPolicies] of mapped) {
        if (!levels) break;
        const level = levels[i]!;
        if (policyMapping > 0) {
          const nodesOfPolicy = level.filter((node) => node.validPolicy === issuerPolicy);
          for (const node of nodesOfPolicy) node.expectedPolicies = new Set(subjectPolicies);
          const any = level.find((node) => node.validPolicy === ANY);
          if (nodesOfPolicy.length === 0 && any?.parent) addChild(level, any.parent, issuerPolicy, subjectPolicies);
        } else {
          levels[i] = level.filter((node) => node.validPolicy !== issuerPolicy);
          for (const node of level) if (node.validPolicy === issuerPolicy && node.parent) node.parent.children = node.parent.children.filter((c) => c !== node);
          levels = prune(levels, i - 1);
        }
      }

      // 6.1.4 (h), (i), (j): the counters.
      if (!certificate.selfIssued) {
        if (explicitPolicy > 0) explicitPolicy--;
        if (policyMapping > 0) policyMapping--;
        if (inhibitAnyPolicy > 0) inhibitAnyPolicy--;
      }
      if (certificate.requireExplicitPolicy !== undefined && certificate.requireExplicitPolicy < explicitPolicy) {
        explicitPolicy = certificate.requireExplicitPolicy;
        explicitRequiredBy = certificate.name;
      }
      if (certificate.inhibitPolicyMapping !== undefined && certificate.inhibitPolicyMapping < policyMapping) policyMapping = certificate.inhibitPolicyMapping;
      if (certificate.inhibitAnyPolicy !== undefined && certificate.inhibitAnyPolicy < inhibitAnyPolicy) inhibitAnyPolicy = certificate.inhibitAnyPolicy;
    }
  } catch (error) {
    if (isSmimeError(error)) return error.message;
    throw error;
  }
  return null;
}

/** Deletes childless nodes from depth `deepest` up to the root; the tree is NULL once the root goes. */
function prune(levels: PolicyNode[][], deepest: number): PolicyNode[][] | null {
  for (let depth = deepest; depth >= 0; depth--) {
    const childless = levels[depth]!.filter((node) => node.children.length === 0);
    if (childless.length === 0) continue;
    levels[depth] = levels[depth]!.filter((node) => node.children.length > 0);
    for (const node of childless) if (node.parent) node.parent.children = node.parent.children.filter((c) => c !== node);
  }
  return levels[0]!.length > 0 ? levels : null;
}

function noPolicyLeft(requiredBy: string, at: string): string {
  return `${requiredBy} requires a certificate policy that every certificate of the chain accepts, and none is left at ${at}.`;
}

/** Reads the four policy extensions of a certificate (RFC 5280 sections 4.2.1.4, 4.2.1.5, 4.2.1.11, 4.2.1.14). */
export function policyFacts(certificate: pkijs.Certificate): PolicyFacts {
  const facts: PolicyFacts = { name: displayName(certificate), selfIssued: isSelfIssued(certificate) };
  const policies = extensionValue(certificate, OID.certificatePolicies, 'certificate policies');
  if (policies) {
    facts.policies = sequenceOf(policies, 'certificate policies').map((information) => {
      const [identifier] = sequenceOf(information, 'certificate policies');
      return oid(identifier, 'certificate policies');
    });
    if (new Set(facts.policies).size !== facts.policies.length) throw malformed('certificate policies', 'names a policy twice');
  }
  const mappings = extensionValue(certificate, OID.policyMappings, 'policy mappings');
  if (mappings) {
    facts.mappings = sequenceOf(mappings, 'policy mappings').map((mapping) => {
      const pair = sequenceOf(mapping, 'policy mappings');
      if (pair.length !== 2) throw malformed('policy mappings', 'has a mapping that is not a pair of policies');
      return { issuerDomainPolicy: oid(pair[0], 'policy mappings'), subjectDomainPolicy: oid(pair[1], 'policy mappings') };
    });
  }
  const constraints = extensionValue(certificate, OID.policyConstraints, 'policy constraints');
  if (constraints) {
    if (!(constraints instanceof asn1js.Sequence)) throw malformed('policy constraints', 'is not a SEQUENCE');
    let lastTag = -1;
    for (const field of constraints.valueBlock.value) {
      const tag = field.idBlock.tagNumber;
      if (field.idBlock.tagClass !== 3 || tag > 1 || tag <= lastTag || !(field instanceof asn1js.Primitive)) throw malformed('policy constraints', 'has an unexpected field');
      lastTag = tag;
      const skipCerts = unsignedInteger(field.valueBlock.valueHexView, 'policy constraints');
      if (tag === 0) facts.requireExplicitPolicy = skipCerts;
      else facts.inhibitPolicyMapping = skipCerts;
    }
    // RFC 5280 section 4.2.1.11: conforming CAs MUST NOT issue an empty policyConstraints.
    if (lastTag === -1) throw malformed('policy constraints', 'is empty');
  }
  const inhibitAny = extensionValue(certificate, OID.inhibitAnyPolicy, 'inhibit anyPolicy');
  if (inhibitAny) {
    if (!(inhibitAny instanceof asn1js.Integer)) throw malformed('inhibit anyPolicy', 'is not an INTEGER');
    facts.inhibitAnyPolicy = unsignedInteger(inhibitAny.valueBlock.valueHexView, 'inhibit anyPolicy');
  }
  return facts;
}

function malformed(what: string, why: string): SmimeError {
  return new SmimeError('malformed-certificate', `The ${what} extension ${why}.`);
}

function extensionValue(certificate: pkijs.Certificate, extensionOid: string, what: string): asn1js.AsnType | undefined {
  const extension = findExtension(certificate, extensionOid);
  return extension && parseAsn1(extension.extnValue.valueBlock.valueHexView, `${what} extension`);
}

function sequenceOf(value: asn1js.AsnType | undefined, what: string): asn1js.AsnType[] {
  if (!(value instanceof asn1js.Sequence) || value.valueBlock.value.length === 0) throw malformed(what, 'has an empty or missing SEQUENCE');
  return value.valueBlock.value;
}

function oid(value: asn1js.AsnType | undefined, what: string): string {
  if (!(value instanceof asn1js.ObjectIdentifier)) throw malformed(what, 'has a policy that is not an OID');
  return value.valueBlock.toString();
}

/** SkipCerts ::= INTEGER (0..MAX), big-endian; values past any chain length are capped (they mean "never"). */
function unsignedInteger(bytes: Uint8Array, what: string): number {
  if (bytes.length === 0 || (bytes[0]! & 0x80) !== 0) throw malformed(what, 'has a negative or empty count');
  let value = 0;
  for (const byte of bytes) value = Math.min(value * 256 + byte, 0x7fffffff);
  return value;
}
