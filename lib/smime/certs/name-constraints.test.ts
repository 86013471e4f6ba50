import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';

import { OID } from '../oids';
import type { GeneralName } from './general-names';
import {
  dnsNameWithin,
  ipAddressWithin,
  judgeName,
  mailboxWithin,
  nameConstraintProblems,
  nameConstraints,
  uriWithin,
} from './name-constraints';
import { altNames, extension, makeTestCertificate } from './test-certificate-factory';

const cn = (value: string) => ({ type: '2.5.4.3', value });
const email = (value: string) => ({ type: OID.emailAddress, value });
const ia5Tagged = (tag: number, text: string) => new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: tag }, valueHex: new TextEncoder().encode(text).buffer });
const subtrees = (tag: number, subtreeValues: asn1js.AsnType[][]) =>
  new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: tag }, value: subtreeValues.map((value) => new asn1js.Sequence({ value })) });
const constraintsExtension = (parts: asn1js.AsnType[]) => extension(OID.nameConstraints, new asn1js.Sequence({ value: parts }), true);

describe('matching one name against one subtree (RFC 5280 section 4.2.1.10)', () => {
  it('reads rfc822Name constraints as a mailbox, a host or a domain', () => {
    expect(mailboxWithin('alice@example.org', 'alice@example.org')).toBe(true);
    expect(mailboxWithin('alice@EXAMPLE.org', 'alice@example.ORG')).toBe(true);
    expect(mailboxWithin('Alice@example.org', 'alice@example.org')).toBe(false);
    expect(mailboxWithin('bob@Example.Org', 'example.org')).toBe(true);
    expect(mailboxWithin('bob@mail.example.org', 'example.org')).toBe(false);
    expect(mailboxWithin('bob@mail.example.org', '.example.org')).toBe(true);
    expect(mailboxWithin('bob@example.org', '.example.org')).toBe(false);
    expect(mailboxWithin('bob@badexample.org', '.example.org')).toBe(false);
    expect(mailboxWithin('"a@b"@example.org', 'example.org')).toBe(true);
  });

  it('cannot place a value that is not a mailbox, or a non-ASCII domain', () => {
    expect(mailboxWithin('no-at-sign', 'example.org')).toBe('unknown');
    expect(mailboxWithin('trailing@', 'example.org')).toBe('unknown');
    expect(mailboxWithin('jörg@bücher.example', '.example')).toBe('unknown');
    expect(mailboxWithin('jörg@example.org', 'example.org')).toBe(true);
  });

  it('adds labels on the left of a dNSName, never inside one', () => {
    expect(dnsNameWithin('example.org', 'example.org')).toBe(true);
    expect(dnsNameWithin('Mail.Example.org', 'example.ORG')).toBe(true);
    expect(dnsNameWithin('badexample.org', 'example.org')).toBe(false);
    expect(dnsNameWithin('example.org', '.example.org')).toBe(false);
    expect(dnsNameWithin('anything.test', '')).toBe(true);
  });

  it('masks iPAddress names and keeps IPv4 and IPv6 apart', () => {
    const net = new Uint8Array([192, 0, 2, 0, 255, 255, 255, 0]);
    expect(ipAddressWithin(new Uint8Array([192, 0, 2, 77]), net)).toBe(true);
    expect(ipAddressWithin(new Uint8Array([192, 0, 3, 1]), net)).toBe(false);
    expect(ipAddressWithin(new Uint8Array(16), net)).toBe(false);
    expect(ipAddressWithin(new Uint8Array(5), net)).toBe('unknown');
    expect(() => ipAddressWithin(new Uint8Array(4), new Uint8Array(7))).toThrow(/neither 8 nor 32 bytes/);
  });

  it('judges a URI by its host, and cannot judge one without a host name', () => {
    expect(uriWithin('https://user@Host.Example.org:8443/x', 'host.example.org')).toBe(true);
    expect(uriWithin('https://sub.host.example.org/', 'host.example.org')).toBe(false);
    expect(uriWithin('https://sub.host.example.org/', '.example.org')).toBe(true);
    expect(uriWithin('mailto:alice@example.org', 'example.org')).toBe('unknown');
    expect(uriWithin('http://192.0.2.1/', '.example.org')).toBe('unknown');
  });
});

describe('judgeName', () => {
  const constraints = {
    permitted: [{ type: 'rfc822Name', value: '.example.org' }, { type: 'rfc822Name', value: 'example.net' }] as GeneralName[],
    excluded: [{ type: 'rfc822Name', value: 'bad.example.org' }, { type: 'registeredID' }] as GeneralName[],
  };

  it('wants one permitted subtree of the name type, and no excluded one', () => {
    expect(judgeName({ type: 'rfc822Name', value: 'a@x.example.org' }, constraints)).toBe('permitted');
    expect(judgeName({ type: 'rfc822Name', value: 'a@example.net' }, constraints)).toBe('permitted');
    expect(judgeName({ type: 'rfc822Name', value: 'a@example.com' }, constraints)).toBe('outside');
    expect(judgeName({ type: 'rfc822Name', value: 'a@bad.example.org' }, constraints)).toBe('excluded');
  });

  it('leaves name types without subtrees free, and fails closed on constrained types it cannot compare', () => {
    expect(judgeName({ type: 'dNSName', value: 'anything.test' }, constraints)).toBe('permitted');
    expect(judgeName({ type: 'registeredID' }, constraints)).toBe('unknown');
    expect(judgeName({ type: 'x400Address' }, constraints)).toBe('permitted');
  });
});

describe('nameConstraints (the extension)', () => {
  it('reads permitted and excluded subtrees', async () => {
    const { certificate } = await makeTestCertificate({
      subject: [cn('CA')],
      extensions: [constraintsExtension([subtrees(0, [[ia5Tagged(1, '.example.org')], [ia5Tagged(2, 'example.org')]]), subtrees(1, [[ia5Tagged(1, 'bad.example.org')]])])],
    });
    expect(nameConstraints(certificate)).toEqual({
      permitted: [{ type: 'rfc822Name', value: '.example.org' }, { type: 'dNSName', value: 'example.org' }],
      excluded: [{ type: 'rfc822Name', value: 'bad.example.org' }],
    });
  });

  it('refuses minimum or maximum, an empty extension, and a non-ASCII rfc822Name', async () => {
    const minimum = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: new Uint8Array([1]).buffer });
    const cases: [asn1js.AsnType[], RegExp][] = [
      [[subtrees(0, [[ia5Tagged(1, 'example.org'), minimum]])], /minimum or maximum/],
      [[], /is empty/],
      [[subtrees(0, [[ia5Tagged(1, 'exämple.org')]])], /above 0x7F/],
      [[subtrees(1, [[ia5Tagged(1, 'a')]]), subtrees(0, [[ia5Tagged(1, 'b')]])], /unexpected field/],
    ];
    for (const [parts, error] of cases) {
      const { certificate } = await makeTestCertificate({ subject: [cn('CA')], extensions: [constraintsExtension(parts)] });
      expect(() => nameConstraints(certificate)).toThrow(error);
    }
  });
});

describe('nameConstraintProblems (the path)', () => {
  it('checks every certificate below each CA, skipping self-issued intermediates (RFC 5280 section 6.1.3 (b))', async () => {
    // makeTestCertificate writes self-issued certificates; only the signatures are not chained, which this check does not look at.
    const ca = await makeTestCertificate({ subject: [cn('Org CA')], extensions: [constraintsExtension([subtrees(0, [[ia5Tagged(1, 'example.org')]])])] });
    const rekeyed = await makeTestCertificate({ subject: [cn('Org CA 2'), email('ca@elsewhere.test')] });
    const leaf = await makeTestCertificate({ subject: [cn('Alice'), email('alice@example.org')], extensions: [altNames(['alice@other.org'], ['jörg@example.org'])] });
    const problems = nameConstraintProblems([leaf.certificate, rekeyed.certificate, ca.certificate]);
    expect(problems).toEqual([{ verdict: 'untrusted-root', reason: 'The address alice@other.org is outside the names "Org CA" may certify.' }]);
  });

  it('says when a certificate names a SmtpUTF8Mailbox domain it cannot compare', async () => {
    const ca = await makeTestCertificate({ subject: [cn('Org CA')], extensions: [constraintsExtension([subtrees(0, [[ia5Tagged(1, 'example.org')]])])] });
    const leaf = await makeTestCertificate({ subject: [cn('Jörg')], extensions: [altNames([], ['jörg@bücher.example'])] });
    expect(nameConstraintProblems([leaf.certificate, ca.certificate]).map((p) => p.reason)).toEqual([
      'The address jörg@bücher.example cannot be checked against the name constraints of "Org CA", which limit names of its kind.',
    ]);
  });

  it('turns an unreadable extension into a problem of the CA', async () => {
    const ca = await makeTestCertificate({ subject: [cn('Broken CA')], extensions: [extension(OID.nameConstraints, new asn1js.Integer({ value: 1 }), true)] });
    const leaf = await makeTestCertificate({ subject: [cn('Alice')] });
    expect(nameConstraintProblems([leaf.certificate, ca.certificate])).toEqual([
      { verdict: 'untrusted-root', reason: 'The certificate "Broken CA" cannot be read: The name constraints extension is not a SEQUENCE.' },
    ]);
  });
});
