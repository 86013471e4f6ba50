import { describe, expect, it } from 'vitest';

import { isSmimeError } from '../errors';
import { LIMITS } from '../limits';
import { bmpPassword, pkcs12Kdf, pkcs12KdfBytes } from './pkcs12-kdf';

const hex = (s: string) => Uint8Array.from(s.replace(/[^0-9a-f]/gi, '').match(/../g) ?? [], (b) => parseInt(b, 16));

describe('pkcs12Kdf', () => {
  it('matches the 3DES key vector of Go x/crypto/pkcs12 (SHA-1, 2048 iterations)', () => {
    expect(pkcs12Kdf('SHA-1', 'sesame', hex('ffffffffffffffff'), 2048, 1, 24)).toEqual(hex('7cd9fd3e2b3be7691a44e3bef0f9ea0fb9b897d4e325d9d1'));
  });

  it('matches a SHA-256 MAC key vector of Crypt::OpenSSL::PKCS::Func (PKCS12_key_gen)', () => {
    expect(pkcs12Kdf('SHA-256', '123456', hex('e241f01650dbeae4'), 2048, 3, 32)).toEqual(
      hex('72:12:59:F1:4A:AD:70:B5:88:39:F7:15:66:B4:33:DA:1B:8A:D0:8F:65:0F:4D:02:FA:AA:0B:9B:09:5B:B5:1D'),
    );
  });

  // OpenSSL's own PKCS12KDF test data ("smeg"), and a SHA-512 output over several hash blocks
  // (which exercises the I_j + B + 1 step) computed with `openssl kdf -kdfopt hexpass:<BMP> PKCS12KDF`.
  it('matches OpenSSL for ids 1 and 2 and for output longer than one hash', () => {
    expect(pkcs12Kdf('SHA-1', 'smeg', hex('0A58CF64530D823F'), 1, 1, 24)).toEqual(hex('8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3'));
    expect(pkcs12Kdf('SHA-1', 'smeg', hex('0A58CF64530D823F'), 1, 2, 8)).toEqual(hex('79993DFE048D3B76'));
    expect(pkcs12Kdf('SHA-512', 'queeg', hex('05DEC959ACFF72F7'), 1000, 1, 100)).toEqual(
      hex(
        '48A60029F1245327351B185BFABD92ED3A2115BCD2366D65FB3540D88367CF077EF7795700D6EF839BADD2EA6E02E3C3' +
          'EA13BA76AA54A8A20C325FAD168153F55A2EC2DA71A3EC8012FCC3154B1C8F33362A7F2EEC68199AD74C0CDA53EF879767DC74C5',
      ),
    );
  });

  it('encodes the password as a BMPString with a terminating zero', () => {
    expect(bmpPassword('Aé')).toEqual(new Uint8Array([0, 0x41, 0, 0xe9, 0, 0]));
    expect(bmpPassword('')).toEqual(new Uint8Array([0, 0]));
    // The empty BMPString and the zero-length password are different inputs.
    expect(pkcs12KdfBytes('SHA-1', new Uint8Array(0), hex('0102030405060708'), 1, 3, 20)).not.toEqual(pkcs12Kdf('SHA-1', '', hex('0102030405060708'), 1, 3, 20));
  });

  it('refuses more iterations than the cap before doing any work', () => {
    const started = performance.now();
    let error: unknown;
    try {
      pkcs12Kdf('SHA-256', 'x', new Uint8Array(8), LIMITS.keyDerivationIterations + 1, 1, 32);
    } catch (e) {
      error = e;
    }
    expect(isSmimeError(error) && error.code).toBe('limit-exceeded');
    expect(performance.now() - started).toBeLessThan(100);
  });
});
