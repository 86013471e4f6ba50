// Server memory per open session: N sessions sign in over the app's own API, open the big folder
// and jump to its middle (the requests the list makes), while the app's heap is read after a full
// GC through its inspector. The same is read for Dovecot: the memory of its imap processes (one
// per connection) before and after.
import fs from 'node:fs';

import { memoryAfterGc } from './inspector-client.mjs';

/** Pss (proportional set size, kB -> bytes) of a process: shared pages split among their users. */
export function pssBytes(pid) {
  const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = /^Pss:\s+(\d+) kB/m.exec(text);
  if (!kb) throw new Error(`no Pss in /proc/${pid}/smaps_rollup`);
  return Number(kb[1]) * 1024;
}

export function rssBytes(pid) {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return kb ? Number(kb[1]) * 1024 : null;
}

/** Children of `parentPid` whose command name is `comm` (from /proc/<pid>/stat). */
export function childPids(parentPid, comm) {
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    if (ppid === parentPid && name === comm) pids.push(Number(entry));
  }
  return pids;
}

/** Total Pss of Dovecot's imap processes (each serves one connection). */
export function dovecotImapMemory(dovecotPid) {
  const pids = childPids(dovecotPid, 'imap');
  let pss = 0;
  for (const pid of pids) {
    try {
      pss += pssBytes(pid);
    } catch {
      // ended meanwhile
    }
  }
  return { processes: pids.length, pss };
}

const cookieOf = (res) => {
  const c = res.headers.getSetCookie().find((h) => h.startsWith('sealpost_session='));
  if (!c) throw new Error('sign-in answered without a session cookie');
  return c.split(';')[0];
};

async function call(url, init, what) {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  return res;
}

/**
 * Opens one session the way the browser did: sign in, then the same API reads the page made
 * (`apiReads`, recorded in the browser), then `extraReads`. Returns its cookie.
 */
async function openSession({ url, user, password, apiReads, extraReads }) {
  const res = await call(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password }) }, 'sign-in');
  const cookie = cookieOf(res);
  // The live-update stream never ends: like the page, keep the latest one open (it holds the
  // session's IDLE connection, part of its memory) and close the one before; signing out ends it.
  let stream = null;
  for (const read of [...apiReads, ...extraReads]) {
    const answer = await call(`${url}${read}`, { headers: { cookie } }, read);
    if (!read.startsWith('/api/events')) {
      await answer.arrayBuffer();
      continue;
    }
    await stream?.cancel().catch(() => {});
    stream = answer.body.getReader();
    await untilEvent(stream, 'ready');
  }
  return cookie;
}

/** Reads an event stream until the named event (the watcher is up), at most 10 s. */
async function untilEvent(reader, name) {
  const decoder = new TextDecoder();
  let text = '';
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no "${name}" event within 10 s`)), 10_000);
  });
  try {
    while (!text.includes(`event: ${name}`)) {
      const { done, value } = await Promise.race([reader.read(), timeout]);
      if (done) throw new Error(`the event stream ended before "${name}"`);
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
  }
}

/** The list API's read of the page at the middle (docs/testing.md: GET /api/messages). */
export const middlePageRead = (folder, pages) => `/api/messages?folder=${encodeURIComponent(folder)}&offset=${pages.middle.offset}&limit=100`;

/**
 * @param {{ url: string, appPid: number, inspector: Awaited<ReturnType<import('./inspector-client.mjs').connectInspector>>,
 *           dovecotPid: number, user: string, password: string, apiReads: string[], extraReads: string[],
 *           sessions: number, log: (line: string) => void }} o
 *   apiReads: what the browser read; extraReads: what it could not reach (the middle page of a
 *   list that is not virtualized), so every session holds the folder open at its middle
 */
export async function measureSessionMemory({ url, appPid, inspector, dovecotPid, user, password, apiReads, extraReads, sessions, log }) {
  // A whole batch first, signed out again: it warms the route modules, imapflow's code paths and
  // V8's optimized code, so the difference below is the sessions' data, not code made on first
  // use (measured: a first batch reads 100-200 KB per session more than the batches after it,
  // and the heap before each later batch stays level, so that part is not a leak).
  const warm = [];
  for (let i = 0; i < sessions; i++) warm.push(await openSession({ url, user, password, apiReads, extraReads }));
  for (const cookie of warm) await call(`${url}/api/session`, { method: 'DELETE', headers: { cookie } }, 'sign-out');

  const before = { app: await memoryAfterGc(inspector), rss: rssBytes(appPid), dovecot: dovecotImapMemory(dovecotPid) };
  const cookies = [];
  for (let i = 0; i < sessions; i++) cookies.push(await openSession({ url, user, password, apiReads, extraReads }));
  // Sessions hold their IMAP connection: give imapflow's idle handling a moment to settle.
  await new Promise((r) => setTimeout(r, 500));
  const during = { app: await memoryAfterGc(inspector), rss: rssBytes(appPid), dovecot: dovecotImapMemory(dovecotPid) };
  log(`    ${sessions} sessions open: app heap ${mb(during.app.heapUsed)} (was ${mb(before.app.heapUsed)}), RSS ${mb(during.rss)} (was ${mb(before.rss)}); Dovecot imap processes ${during.dovecot.processes} (was ${before.dovecot.processes})`);

  for (const cookie of cookies) await call(`${url}/api/session`, { method: 'DELETE', headers: { cookie } }, 'sign-out');
  await new Promise((r) => setTimeout(r, 500));
  const after = { app: await memoryAfterGc(inspector), rss: rssBytes(appPid), dovecot: dovecotImapMemory(dovecotPid) };
  log(`    after all signed out: app heap ${mb(after.app.heapUsed)}, ${((after.app.heapUsed - before.app.heapUsed) / sessions / 1024).toFixed(0)} KB per session not given back`);

  const per = (a, b) => (a - b) / sessions;
  const heapPlusExternal = (m) => m.heapUsed + m.external;
  return {
    sessions,
    perSession: {
      heapUsed: per(during.app.heapUsed, before.app.heapUsed),
      heapPlusExternal: per(heapPlusExternal(during.app), heapPlusExternal(before.app)),
      rss: per(during.rss, before.rss),
      dovecotImapPss: during.dovecot.processes > before.dovecot.processes ? (during.dovecot.pss - before.dovecot.pss) / (during.dovecot.processes - before.dovecot.processes) : null,
    },
    afterSignOut: { heapUsedLeftPerSession: per(after.app.heapUsed, before.app.heapUsed) },
    before,
    during,
    after,
  };
}

export const mb = (bytes) => (bytes == null ? '—' : `${(bytes / 1048576).toFixed(bytes < 10 * 1048576 ? 2 : 1)} MB`);
