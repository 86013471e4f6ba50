import { describe, expect, it } from 'vitest';

import { parseRecipients } from './parse-recipients';

describe('parseRecipients', () => {
  it('reads bare addresses and "Name <address>" separated by commas or semicolons', () => {
    expect(parseRecipients('bob@sealpost.test; "Ødegård, Bob" <bob@x.example>, Carol <carol@sealpost.test>')).toEqual({
      addresses: [
        { name: '', address: 'bob@sealpost.test' },
        { name: 'Ødegård, Bob', address: 'bob@x.example' },
        { name: 'Carol', address: 'carol@sealpost.test' },
      ],
      invalid: [],
    });
  });

  it('reports what is not an address', () => {
    expect(parseRecipients('bob, alice@sealpost.test, <x@y>').invalid).toEqual(['bob', '<x@y>']);
  });
});
