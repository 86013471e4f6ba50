import { describe, expect, it } from 'vitest';

import { decodeDirectoryAnswer, strictBase64Bytes } from './directory-answer';
import type { DirectoryCertificatesAnswer } from './types';

describe('strictBase64Bytes', () => {
  it('decodes canonical base64', () => {
    expect(strictBase64Bytes('MAE=')).toEqual(new Uint8Array([0x30, 1]));
    expect(strictBase64Bytes('')).toEqual(new Uint8Array(0));
  });

  it.each(['MAE', 'MA E=', 'MAE=\n', '@@@@', 'MA==MA==', 7, null])('turns %j into empty bytes', (value) => {
    expect(strictBase64Bytes(value)).toEqual(new Uint8Array(0));
  });
});

describe('decodeDirectoryAnswer', () => {
  it('decodes every value and keeps the order', () => {
    const answer: DirectoryCertificatesAnswer = {
      results: [
        { email: 'bob@x.test', certificates: ['MAE='], smimeBundles: ['MAI=', 'bad'] },
        { email: 'nobody@x.test', certificates: [], smimeBundles: [] },
      ],
    };
    expect(decodeDirectoryAnswer(answer)).toEqual([
      { email: 'bob@x.test', certificates: [new Uint8Array([0x30, 1])], smimeBundles: [new Uint8Array([0x30, 2]), new Uint8Array(0)] },
      { email: 'nobody@x.test', certificates: [], smimeBundles: [] },
    ]);
  });

  it('survives a malformed answer without throwing', () => {
    expect(decodeDirectoryAnswer({} as DirectoryCertificatesAnswer)).toEqual([]);
    const odd = { results: [null, { email: 5 }, { email: 'a@x.test', certificates: 'MAE=' }] } as unknown as DirectoryCertificatesAnswer;
    expect(decodeDirectoryAnswer(odd)).toEqual([{ email: 'a@x.test', certificates: [], smimeBundles: [] }]);
  });
});
