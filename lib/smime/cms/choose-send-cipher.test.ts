import { describe, expect, it } from 'vitest';

import { OID } from '../oids';
import { chooseSendCipher } from './choose-send-cipher';

const gcm = [{ oid: OID.aes256Gcm }, { oid: OID.aes256Cbc }];
const cbcOnly = [{ oid: OID.aes256Cbc }, { oid: OID.desEde3Cbc }];

describe('chooseSendCipher', () => {
  it('sends AES-256-GCM only when every recipient announced it', () => {
    expect(chooseSendCipher([gcm, gcm])).toBe('aes-256-gcm');
    expect(chooseSendCipher([gcm, cbcOnly])).toBe('aes-256-cbc');
    expect(chooseSendCipher([gcm, null])).toBe('aes-256-cbc');
    expect(chooseSendCipher([])).toBe('aes-256-cbc');
  });

  it('never picks a legacy cipher a recipient announces, and follows the organisation setting', () => {
    expect(chooseSendCipher([cbcOnly])).toBe('aes-256-cbc');
    expect(chooseSendCipher([null], { everyoneReadsGcm: true })).toBe('aes-256-gcm');
  });
});
