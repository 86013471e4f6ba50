import { describe, expect, it } from 'vitest';

import { MAX_VIEW_MESSAGES } from './list-criteria';
import {
  MAX_THREAD_DEPTH,
  MAX_THREAD_FOLDER_MESSAGES,
  MAX_THREAD_ROW_UIDS,
  ThreadCollector,
  orderThreads,
  threadArguments,
  threadMembers,
  threadSize,
  threadingFor,
} from './list-threads';

const A = (value: string) => ({ type: 'ATOM', value });
type Node = ReturnType<typeof A> | Node[];

/** Text like "(1 (3 5)(4))(2)" as imapflow hands it over: lists as arrays, numbers as atoms. */
function tree(text: string): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  for (const token of text.match(/\(|\)|[^\s()]+/g) ?? []) {
    if (token === '(') {
      const list: Node[] = [];
      stack.at(-1)!.push(list);
      stack.push(list);
    } else if (token === ')') stack.pop();
    else stack.at(-1)!.push(A(token));
  }
  return root;
}

const parse = (text: string) => {
  const c = new ThreadCollector();
  c.add({ attributes: tree(text) });
  return c;
};
const threadsOf = (text: string, descending = true) => {
  const index = orderThreads(parse(text).result(), descending);
  return Array.from(index.heads, (_, i) => Array.from(threadMembers(index, i)));
};

describe('threadArguments', () => {
  it('asks for REFERENCES in UTF-8 with the search keys', () => {
    expect(threadArguments(null)).toEqual([A('REFERENCES'), A('UTF-8'), A('ALL')]);
    expect(threadArguments({ unread: true })).toEqual([A('REFERENCES'), A('UTF-8'), A('UNSEEN')]);
  });
});

describe('threadingFor', () => {
  it('threads up to MAX_THREAD_FOLDER_MESSAGES, not one more, and never without THREAD', () => {
    expect(threadingFor(true, MAX_THREAD_FOLDER_MESSAGES)).toBe('on');
    expect(threadingFor(true, MAX_THREAD_FOLDER_MESSAGES + 1)).toBe('too-large');
    expect(threadingFor(false, 3)).toBe('unsupported');
  });
});

describe('ThreadCollector', () => {
  it('reads the RFC 5256 example: branches and a dummy parent', () => {
    // RFC 5256 section 4: (2)(3 6 (4 23)(44 7 96))
    const c = parse('(2)(3 6 (4 23)(44 7 96))((11)(12))');
    const { members, start } = c.result();
    expect(Array.from(start)).toEqual([0, 1, 8, 10]);
    expect(Array.from(members)).toEqual([2, 3, 6, 4, 23, 44, 7, 96, 11, 12]);
    expect(c.answered).toBe(true);
    expect(c.result().truncated).toBe(false);
  });

  it('answers an empty THREAD (nothing matched) as no threads', () => {
    const c = new ThreadCollector();
    c.add({ attributes: [] });
    expect(c.answered).toBe(true);
    expect(c.result().start.length).toBe(1);
  });

  it('skips what is not an nz-number and drops threads left empty', () => {
    const c = parse('(0 1 x -3 99999999999)(abc)(*)(4)');
    expect(Array.from(c.result().members)).toEqual([1, 4]);
    expect(Array.from(c.result().start)).toEqual([0, 1, 2]);
  });

  it('walks nesting of MAX_THREAD_DEPTH without recursion, and leaves out a branch one deeper', () => {
    // A chain of lists, each holding a UID and the next list: depth d holds UID d.
    const nested = (depth: number) => {
      const root: Node[] = [];
      let at = root;
      for (let d = 1; d <= depth; d++) {
        const next: Node[] = [A(String(d))];
        at.push(next);
        at = next;
      }
      return root;
    };
    const ok = new ThreadCollector();
    ok.add({ attributes: nested(MAX_THREAD_DEPTH) });
    expect(ok.result().members.length).toBe(MAX_THREAD_DEPTH);
    expect(ok.result().truncated).toBe(false);

    const over = new ThreadCollector();
    over.add({ attributes: nested(MAX_THREAD_DEPTH + 1) });
    expect(over.result().members.length).toBe(MAX_THREAD_DEPTH);
    expect(over.result().truncated).toBe(true);
  });

  it('stops at MAX_VIEW_MESSAGES UIDs', () => {
    const c = new ThreadCollector();
    const one = Array.from({ length: MAX_VIEW_MESSAGES + 1 }, (_, i) => A(String(i + 1)));
    c.add({ attributes: [one, [A('5')]] });
    const r = c.result();
    expect(r.members.length).toBe(MAX_VIEW_MESSAGES);
    expect(r.truncated).toBe(true);
    expect(r.start.length).toBe(2);
  });
});

describe('orderThreads', () => {
  it('puts the thread with the newest message first, members newest first', () => {
    // Thread (1 3 5 4) got a reply last (5); thread (2) and (6 ...) in between.
    expect(threadsOf('(1 (3 5)(4))(2)((6)(7))')).toEqual([
      [7, 6],
      [5, 4, 3, 1],
      [2],
    ]);
  });

  it('reverses for oldest first', () => {
    expect(threadsOf('(1 (3 5)(4))(2)((6)(7))', false)).toEqual([[2], [5, 4, 3, 1], [7, 6]]);
  });

  it('gives each thread its size and its newest UID as the row', () => {
    const index = orderThreads(parse('(1 2 3)(4)').result(), true);
    expect(Array.from(index.heads)).toEqual([4, 3]);
    expect(threadSize(index, 1)).toBe(3);
  });

  it('bounds the UIDs a row carries to MAX_THREAD_ROW_UIDS, but counts them all', () => {
    const big = Array.from({ length: MAX_THREAD_ROW_UIDS + 1 }, (_, i) => A(String(i + 1)));
    const c = new ThreadCollector();
    c.add({ attributes: [big] });
    const index = orderThreads(c.result(), true);
    expect(threadMembers(index, 0).length).toBe(MAX_THREAD_ROW_UIDS);
    expect(threadMembers(index, 0)[0]).toBe(MAX_THREAD_ROW_UIDS + 1);
    expect(threadSize(index, 0)).toBe(MAX_THREAD_ROW_UIDS + 1);
  });
});
