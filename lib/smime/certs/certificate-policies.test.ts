import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';

import { LIMITS } from '../limits';
import { OID } from '../oids';
import { policyFacts, policyTreeProblem, type PolicyFacts } from './certificate-policies';
import { extension, makeTestCertificate } from './test-certificate-factory';

const P1 = '1.3.6.1.4.1.99999.1';
const P2 = '1.3.6.1.4.1.99999.2';
const ANY = OID.anyPolicy;
const cert = (name: string, facts: Omit<PolicyFacts, 'name' | 'selfIssued'> & { selfIssued?: boolean } = {}): PolicyFacts => ({ name, selfIssued: false, ...facts });
const required = /requires a certificate policy that every certificate of the chain accepts/;

describe('policyTreeProblem (RFC 5280 section 6.1, initial policy set anyPolicy, nothing required up front)', () => {
  it('passes chains that require no explicit policy, with or without policies', () => {
    expect(policyTreeProblem([cert('CA'), cert('leaf')])).toBeNull();
    expect(policyTreeProblem([cert('CA', { policies: [P1] }), cert('leaf', { policies: [P2] })])).toBeNull();
    expect(policyTreeProblem([])).toBeNull();
  });

  it('fails when requireExplicitPolicy is reached with no policy valid for the whole path', () => {
    const ca = cert('"CA"', { policies: [P1], requireExplicitPolicy: 0 });
    expect(policyTreeProblem([ca, cert('"leaf"', { policies: [P1] })])).toBeNull();
    expect(policyTreeProblem([ca, cert('"leaf"', { policies: [P2] })])).toBe('"CA" requires a certificate policy that every certificate of the chain accepts, and none is left at "leaf".');
    expect(policyTreeProblem([ca, cert('"leaf"')])).toMatch(required);
    expect(policyTreeProblem([cert('CA'), cert('leaf', { requireExplicitPolicy: 0 })])).toMatch(required);
  });

  it('counts requireExplicitPolicy in certificates skipped, self-issued ones not counted', () => {
    const chain = (skip: number, middleSelfIssued = false) => [
      cert('A', { policies: [ANY], requireExplicitPolicy: skip }),
      cert('B', { policies: [P1], selfIssued: middleSelfIssued }),
      cert('leaf'),
    ];
    expect(policyTreeProblem(chain(3))).toBeNull();
    expect(policyTreeProblem(chain(2))).toMatch(required);
    expect(policyTreeProblem(chain(1))).toMatch(/none is left at leaf/);
    expect(policyTreeProblem(chain(2, true))).toBeNull();
  });

  it('lets anyPolicy stand for any policy until inhibitAnyPolicy stops it', () => {
    const ca = (inhibit?: number) => cert('CA', { policies: [ANY], requireExplicitPolicy: 0, inhibitAnyPolicy: inhibit });
    expect(policyTreeProblem([ca(), cert('leaf', { policies: [ANY] })])).toBeNull();
    expect(policyTreeProblem([ca(0), cert('leaf', { policies: [ANY] })])).toMatch(required);
    expect(policyTreeProblem([ca(0), cert('leaf', { policies: [P1] })])).toBeNull();
  });

  it('applies policy mappings, generates mapped nodes from anyPolicy, and deletes mapped policies when mapping is inhibited', () => {
    const mapping = cert('CA', { policies: [P1], mappings: [{ issuerDomainPolicy: P1, subjectDomainPolicy: P2 }], requireExplicitPolicy: 0 });
    expect(policyTreeProblem([mapping, cert('leaf', { policies: [P2] })])).toBeNull();
    expect(policyTreeProblem([mapping, cert('leaf', { policies: [P1] })])).toMatch(required);
    const fromAny = cert('CA', { policies: [ANY], mappings: [{ issuerDomainPolicy: P1, subjectDomainPolicy: P2 }], requireExplicitPolicy: 0, inhibitAnyPolicy: 0 });
    expect(policyTreeProblem([fromAny, cert('leaf', { policies: [P2] })])).toBeNull();
    const top = cert('top', { policies: [ANY], requireExplicitPolicy: 0, inhibitPolicyMapping: 0 });
    expect(policyTreeProblem([top, mapping, cert('leaf', { policies: [P2] })])).toMatch(required);
    expect(policyTreeProblem([top, cert('plain', { policies: [P1] }), cert('leaf', { policies: [P1] })])).toBeNull();
  });

  it('refuses a mapping to or from anyPolicy', () => {
    const bad = cert('"CA"', { policies: [P1], mappings: [{ issuerDomainPolicy: ANY, subjectDomainPolicy: P2 }] });
    expect(policyTreeProblem([bad, cert('leaf')])).toBe('"CA" maps anyPolicy, which RFC 5280 does not allow.');
  });

  it(`stops at ${LIMITS.policyTreeNodes} nodes when mappings multiply the tree (CVE-2023-0464)`, () => {
    const policies = Array.from({ length: 10 }, (_, i) => `${P1}.${i}`);
    const mappings = policies.flatMap((issuerDomainPolicy) => policies.map((subjectDomainPolicy) => ({ issuerDomainPolicy, subjectDomainPolicy })));
    const chain = [...Array.from({ length: 4 }, (_, i) => cert(`CA ${i}`, { policies, mappings })), cert('leaf', { policies })];
    expect(policyTreeProblem(chain)).toBe(`The certificate policies of the chain make more than ${LIMITS.policyTreeNodes} combinations.`);
  });
});

describe('policyFacts (the extensions)', () => {
  const policyInformation = (oid: string) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid })] });
  const skipCerts = (tag: number, value: number) => new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: tag }, valueHex: new Uint8Array([value]).buffer });

  it('reads the four policy extensions', async () => {
    const { certificate } = await makeTestCertificate({
      subject: [{ type: '2.5.4.3', value: 'CA' }],
      extensions: [
        extension(OID.certificatePolicies, new asn1js.Sequence({ value: [policyInformation(P1), policyInformation(ANY)] })),
        extension(OID.policyMappings, new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: P1 }), new asn1js.ObjectIdentifier({ value: P2 })] })] }), true),
        extension(OID.policyConstraints, new asn1js.Sequence({ value: [skipCerts(0, 2), skipCerts(1, 0)] }), true),
        extension(OID.inhibitAnyPolicy, new asn1js.Integer({ value: 1 }), true),
      ],
    });
    expect(policyFacts(certificate)).toEqual({
      name: '"CA"',
      selfIssued: true,
      policies: [P1, ANY],
      mappings: [{ issuerDomainPolicy: P1, subjectDomainPolicy: P2 }],
      requireExplicitPolicy: 2,
      inhibitPolicyMapping: 0,
      inhibitAnyPolicy: 1,
    });
  });

  it('refuses a policy named twice, an empty policyConstraints and a negative inhibitAnyPolicy', async () => {
    const cases: [ReturnType<typeof extension>, RegExp][] = [
      [extension(OID.certificatePolicies, new asn1js.Sequence({ value: [policyInformation(P1), policyInformation(P1)] })), /names a policy twice/],
      [extension(OID.policyConstraints, new asn1js.Sequence({ value: [] }), true), /policy constraints extension is empty/],
      [extension(OID.inhibitAnyPolicy, new asn1js.Integer({ value: -1 }), true), /negative or empty count/],
    ];
    for (const [bad, error] of cases) {
      const { certificate } = await makeTestCertificate({ subject: [{ type: '2.5.4.3', value: 'CA' }], extensions: [bad] });
      expect(() => policyFacts(certificate)).toThrow(error);
    }
  });
});
