// Multiple signers ("Johnny, You Are Fired!", Müller et al., USENIX Security 2019, section 4.1;
// row C2 of ../shared/notes/smime-stack.md section 4): one valid signature by an unrelated signer
// made Evolution show an invalid one as valid. Signatures from OpenSSL's cms (two -signer), one
// of them broken, in both orders (the valid one prepended and appended). Asserted: each signer
// gets its own verdict; the message is "signed" only when every signature holds, and a valid
// signer only counts for the sender when its address is the From address.
import fs from 'node:fs';

import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { MessageReport } from '@/lib/smime';
import { bytesEqual } from '@/lib/bytes';

import { type AttackPki, HEADERS, attackPki, clearSignedMessage } from '../support/attack-messages';
import { openssl } from '../../support/test-pki';

let p: AttackPki;
let twoSigners: Uint8Array;
const ENTITY = 'Content-Type: text/plain; charset=us-ascii\r\n\r\nPay Bob 10 euros.\r\n';

beforeAll(() => {
  p = attackPki('sealpost-c2-');
  const entity = p.pki.file('entity');
  fs.writeFileSync(entity, ENTITY);
  const signer = (cert: typeof p.alice) => ['-signer', cert.certPath, '-inkey', cert.keyPath];
  twoSigners = new Uint8Array(openssl(['cms', '-sign', '-binary', '-outform', 'DER', '-in', entity, ...signer(p.alice), ...signer(p.eve)]));
});
afterAll(() => p?.pki.cleanup());

/** The SignedData with its SignerInfos rearranged by `edit`; Alice's signature broken when asked. */
function withSigners(edit: (alice: asn1js.AsnType, eve: asn1js.AsnType) => asn1js.AsnType[], { breakAlice = false } = {}): Uint8Array {
  const contentInfo = asn1js.fromBER(twoSigners.slice()).result as asn1js.Sequence;
  const signedData = (contentInfo.valueBlock.value[1] as asn1js.Constructed).valueBlock.value[0] as asn1js.Sequence;
  const signerInfos = signedData.valueBlock.value[signedData.valueBlock.value.length - 1] as asn1js.Set;
  const aliceSerial = p.certificate(p.alice).serialNumber.valueBlock.valueHexView;
  const serialOf = (info: asn1js.AsnType) => ((((info as asn1js.Sequence).valueBlock.value[1] as asn1js.Sequence).valueBlock.value[1]) as asn1js.Integer).valueBlock.valueHexView;
  const alice = signerInfos.valueBlock.value.find((info) => bytesEqual(serialOf(info), aliceSerial))!;
  const eve = signerInfos.valueBlock.value.find((info) => info !== alice)!;
  if (breakAlice) {
    const fields = (alice as asn1js.Sequence).valueBlock.value;
    (fields[fields.length - 1] as asn1js.OctetString).valueBlock.valueHexView[7]! ^= 1;
  }
  signerInfos.valueBlock.value = edit(alice, eve);
  return new Uint8Array(contentInfo.toBER(false));
}

const read = async (p7s: Uint8Array, from = 'Alice <alice@example.org>') =>
  (await p.read(clearSignedMessage(ENTITY, p7s, HEADERS.replace('Alice <alice@example.org>', from)))).report;
const verdicts = (report: MessageReport) => report.signatures.map((s) => [s.signerEmail, s.intact, s.fromMatchesSigner]);

describe('C2: multiple signers', () => {
  it('control: two valid signatures, one by the sender: signed, one verdict each', async () => {
    const report = await read(withSigners((alice, eve) => [alice, eve]));
    expect(verdicts(report)).toEqual([
      ['alice@example.org', true, true],
      ['eve@example.org', true, false],
    ]);
    expect(report).toMatchObject({ signed: true, errors: [] });
  });

  for (const [order, edit] of [
    ['valid unrelated signer prepended', (alice: asn1js.AsnType, eve: asn1js.AsnType) => [eve, alice]],
    ['valid unrelated signer appended', (alice: asn1js.AsnType, eve: asn1js.AsnType) => [alice, eve]],
  ] as const) {
    it(`an invalid signature by the sender with a ${order}: not signed, each signer its own verdict`, async () => {
      const report = await read(withSigners(edit, { breakAlice: true }));
      const byEmail = new Map(report.signatures.map((s) => [s.signerEmail, s]));
      expect(report.signatures).toHaveLength(2);
      expect(byEmail.get('eve@example.org')).toMatchObject({ intact: true, fromMatchesSigner: false });
      expect(byEmail.get('alice@example.org')).toMatchObject({ intact: false, fromMatchesSigner: true });
      expect(byEmail.get('alice@example.org')!.reasons.join(' ')).toMatch(/not valid/);
      expect(report.signed).toBe(false);
    });
  }

  it('two valid signatures, neither by the sender: intact, but no signer matches From', async () => {
    const report = await read(withSigners((alice, eve) => [eve, alice]), 'Bob <bob@example.org>');
    expect(verdicts(report)).toEqual([
      ['eve@example.org', true, false],
      ['alice@example.org', true, false],
    ]);
    expect(report.signatures.every((s) => s.reasons.some((r) => r.includes('does not match the sender')))).toBe(true);
  });
});
