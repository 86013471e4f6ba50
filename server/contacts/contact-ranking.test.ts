import { describe, expect, it } from 'vitest';

import { MAX_SUGGESTIONS, collectCorrespondents, matchesPrefix, mergeSuggestions } from './contact-ranking';

const a = (name: string, address: string) => ({ name, address });

describe('collectCorrespondents', () => {
  it('keeps each address once, newest first, without the user', () => {
    const list = collectCorrespondents(
      [
        { date: 1, addresses: [a('Old Trent', 'trent@x.test'), a('', 'walter@x.test')] },
        { date: 3, addresses: [a('', 'TRENT@x.test'), a('Me', 'sybil@x.test')] },
        { date: 2, addresses: [a('Victor', 'victor@x.test')] },
      ],
      'Sybil@x.test',
      10,
    );
    expect(list).toEqual([a('Old Trent', 'TRENT@x.test'), a('Victor', 'victor@x.test'), a('', 'walter@x.test')]);
  });

  it('stops at its bound', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ date: i, addresses: [a('', `p${i}@x.test`)] }));
    const list = collectCorrespondents(many, 'me@x.test', 20);
    expect(list).toHaveLength(20);
    expect(list[0]!.address).toBe('p49@x.test');
  });

  it('skips values that are not addresses (groups, undisclosed recipients)', () => {
    expect(collectCorrespondents([{ date: 1, addresses: [a('undisclosed-recipients', '')] }], 'me@x.test', 5)).toEqual([]);
  });
});

describe('matchesPrefix', () => {
  const bob = a('Bob Ødegård', 'bob@sealpost.test');
  it.each(['Bo', 'bob@', 'ødeg', 'ØDEG', 'Bob Ø', ' bo '])('matches "%s"', (q) => expect(matchesPrefix(bob, q)).toBe(true));
  it.each(['degård', 'sealpost', '', 'x'])('does not match "%s"', (q) => expect(matchesPrefix(bob, q)).toBe(false));
});

describe('mergeSuggestions', () => {
  it('puts matching recent ones first, then the directory, each address once', () => {
    const recent = [a('', 'carol@sealpost.test'), a('Trent', 'trent@sealpost.test'), a('Carl', 'carl@x.test')];
    const directory = [a('Carol Müller', 'Carol@sealpost.test'), a('Caroline', 'caroline@sealpost.test')];
    expect(mergeSuggestions(recent, directory, 'car')).toEqual([
      { name: 'Carol Müller', address: 'carol@sealpost.test', source: 'recent' },
      { name: 'Carl', address: 'carl@x.test', source: 'recent' },
      { name: 'Caroline', address: 'caroline@sealpost.test', source: 'directory' },
    ]);
  });

  it(`gives at most ${MAX_SUGGESTIONS} suggestions`, () => {
    const recent = Array.from({ length: MAX_SUGGESTIONS + 1 }, (_, i) => a('', `r${i}@x.test`));
    const directory = [a('R', 'rd@x.test')];
    const merged = mergeSuggestions(recent, directory, 'r');
    expect(merged).toHaveLength(MAX_SUGGESTIONS);
    expect(merged.every((s) => s.source === 'recent')).toBe(true);
  });
});
