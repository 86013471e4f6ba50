import 'server-only';

import type { MessageSearch } from '@/lib/api/types';

import { type ImapAttribute, MAX_VIEW_MESSAGES, searchKeys } from './list-criteria';

// The conversation view: UID THREAD REFERENCES (RFC 5256 section 3) and its answer, a list of
// threads in which each thread is a parenthesized list of UIDs and nested lists for branches:
// "(1 (3 5)(4))(2)" is a thread of 1, 3, 5, 4 and a thread of 2. A hostile mailbox can make the
// nesting as deep as it likes, so the answer is walked with an explicit stack, never recursion,
// under the limits below. Threads are kept as three compact arrays (4 bytes a message, 8 a thread).

/** Deepest nesting of a thread's lists that is walked; deeper branches are left out. */
export const MAX_THREAD_DEPTH = 10_000;
/**
 * Largest folder threaded. A THREAD answer has no compact form (no ESORT-like sets), and imapflow
 * fails the whole connection past 1,000,000 tokens in one response (a single-message thread is
 * two: the list and the number), so bigger folders stay flat.
 */
export const MAX_THREAD_FOLDER_MESSAGES = 300_000;
/** Whether a folder can be threaded: the server has THREAD=REFERENCES and the folder is not too big. */
export function threadingFor(hasThread: boolean, exists: number): 'on' | 'unsupported' | 'too-large' {
  if (!hasThread) return 'unsupported';
  return exists > MAX_THREAD_FOLDER_MESSAGES ? 'too-large' : 'on';
}

/** Most UIDs one list row carries for its thread (the batch actions' bound, MAX_MOVE). */
export const MAX_THREAD_ROW_UIDS = 1000;

const atom = (value: string): ImapAttribute => ({ type: 'ATOM', value });

/** The arguments of UID THREAD: algorithm, charset (always UTF-8, as SORT), search keys. */
export function threadArguments(search: MessageSearch | null): ImapAttribute[] {
  return [atom('REFERENCES'), atom('UTF-8'), ...searchKeys(search).keys];
}

const NZ_NUMBER = /^[1-9]\d{0,9}$/;

function uidOf(node: unknown): number | null {
  const raw = typeof node === 'number' ? String(node) : (node as { value?: unknown } | null)?.value;
  if (typeof raw !== 'string' || !NZ_NUMBER.test(raw)) return null;
  const n = Number(raw);
  return n > 0xffffffff ? null : n;
}

/** Threads in the server's order: thread i holds members[start[i] .. start[i + 1]). */
export interface ParsedThreads {
  members: Uint32Array;
  start: Uint32Array;
  /** Something was left out: a branch deeper than MAX_THREAD_DEPTH or UIDs past MAX_VIEW_MESSAGES. */
  truncated: boolean;
}

/**
 * Reads the attributes of untagged THREAD answers (imapflow's parse: lists as arrays, numbers as
 * atoms). Iterative: the stack holds one entry per open list, at most MAX_THREAD_DEPTH. Anything
 * that is not an nz-number is skipped; a thread with no UID left is dropped.
 */
export class ThreadCollector {
  private members = new Uint32Array(1024);
  private starts: number[] = [];
  private length = 0;
  truncated = false;
  /** True once any THREAD answer arrived (an empty one is `* THREAD` alone). */
  answered = false;

  add(untagged: { attributes?: unknown[] } | undefined): void {
    this.answered = true;
    for (const thread of untagged?.attributes ?? []) {
      if (this.length >= MAX_VIEW_MESSAGES) {
        this.truncated = true;
        return;
      }
      const before = this.length;
      this.walk(thread);
      if (this.length > before) this.starts.push(before);
    }
  }

  private walk(root: unknown): void {
    const stack: { list: unknown[]; next: number }[] = [];
    if (Array.isArray(root)) stack.push({ list: root, next: 0 });
    else this.push(uidOf(root));
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.next >= top.list.length) {
        stack.pop();
        continue;
      }
      const node = top.list[top.next++];
      if (Array.isArray(node)) {
        if (stack.length >= MAX_THREAD_DEPTH) this.truncated = true;
        else stack.push({ list: node, next: 0 });
      } else if (!this.push(uidOf(node))) return;
    }
  }

  /** False when the view is full. */
  private push(uid: number | null): boolean {
    if (uid === null) return true;
    if (this.length >= MAX_VIEW_MESSAGES) {
      this.truncated = true;
      return false;
    }
    if (this.length === this.members.length) {
      const next = new Uint32Array(Math.min(MAX_VIEW_MESSAGES, this.members.length * 2));
      next.set(this.members);
      this.members = next;
    }
    this.members[this.length++] = uid;
    return true;
  }

  result(): ParsedThreads {
    const start = new Uint32Array(this.starts.length + 1);
    start.set(this.starts);
    start[this.starts.length] = this.length;
    return { members: this.members.slice(0, this.length), start, truncated: this.truncated };
  }
}

/**
 * Threads in view order: by their newest message (highest UID, the last to arrive), newest
 * first when `descending`. `heads[i]` is thread i's newest UID (the row the list shows), and each
 * thread's members are newest first. Ties cannot happen: a UID is in one thread only.
 */
export interface ThreadIndex {
  heads: Uint32Array;
  start: Uint32Array;
  members: Uint32Array;
  truncated: boolean;
}

export function orderThreads({ members, start, truncated }: ParsedThreads, descending: boolean): ThreadIndex {
  const count = start.length - 1;
  const newest = new Uint32Array(count);
  for (let t = 0; t < count; t++) {
    let max = 0;
    for (let i = start[t]!; i < start[t + 1]!; i++) if (members[i]! > max) max = members[i]!;
    newest[t] = max;
  }
  const order = new Uint32Array(count);
  for (let t = 0; t < count; t++) order[t] = t;
  order.sort((a, b) => (descending ? newest[b]! - newest[a]! : newest[a]! - newest[b]!));
  const heads = new Uint32Array(count);
  const outStart = new Uint32Array(count + 1);
  const outMembers = new Uint32Array(members.length);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const t = order[i]!;
    heads[i] = newest[t]!;
    outStart[i] = at;
    const own = members.subarray(start[t]!, start[t + 1]!);
    outMembers.set(own, at);
    outMembers.subarray(at, at + own.length).sort().reverse();
    at += own.length;
  }
  outStart[count] = at;
  return { heads, start: outStart, members: outMembers, truncated };
}

/** The UIDs of the thread at view position `i`, newest first, at most MAX_THREAD_ROW_UIDS. */
export function threadMembers(index: ThreadIndex, i: number): Uint32Array {
  const from = index.start[i]!;
  return index.members.subarray(from, Math.min(index.start[i + 1]!, from + MAX_THREAD_ROW_UIDS));
}

/** The number of messages in the thread at view position `i`. */
export function threadSize(index: ThreadIndex, i: number): number {
  return index.start[i + 1]! - index.start[i]!;
}
