// The reference figures: the same fetches the app makes, done straight against the same Dovecot
// on the same machine in the same run, once over raw IMAP and once with Dovecot's own doveadm.
import { spawnSync } from 'node:child_process';

import { doveadmArgs } from '../scripts/stack/dovecot.mjs';
import { RawImap, quoteImap } from './raw-imap.mjs';
import { summarize } from './stats.mjs';

/** What the app's list asks for per message (server/imap/messages.ts, through imapflow). */
export const LIST_FETCH_ITEMS = '(UID FLAGS BODYSTRUCTURE ENVELOPE INTERNALDATE RFC822.SIZE)';
/** The same fields in doveadm's names. */
export const DOVEADM_FIELDS = 'uid flags size.virtual date.received imap.envelope imap.bodystructure';

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

/** The UIDs at two sequence numbers, read once before timing. */
async function uidRange(imap, seqFrom, seqTo) {
  const lines = await imap.command(`FETCH ${seqFrom},${seqTo} (UID)`);
  const uids = lines.map((l) => Number(/UID (\d+)/.exec(l)?.[1])).filter(Number.isFinite);
  if (uids.length !== 2) throw new Error(`could not read the UIDs of ${seqFrom} and ${seqTo}`);
  return `${Math.min(...uids)}:${Math.max(...uids)}`;
}

/**
 * Raw IMAP on one logged-in connection, as the app's session has:
 *  open: EXAMINE the folder (coming from another one) + UID FETCH of the first page;
 *  jump: UID FETCH of the middle page in the open folder.
 * @param {{ host: string, port: number, user: string, password: string, folder: string,
 *           otherFolder: string, pages: ReturnType<import('./stats.mjs').benchPages>, repeats: number }} o
 */
export async function imapReference({ host, port, user, password, folder, otherFolder, pages, repeats }) {
  const imap = await RawImap.connect({ host, port, user, password });
  try {
    await imap.command(`EXAMINE ${quoteImap(folder)}`);
    const firstUids = await uidRange(imap, pages.first.seqFrom, pages.first.seqTo);
    const middleUids = await uidRange(imap, pages.middle.seqFrom, pages.middle.seqTo);
    const open = [];
    const examine = [];
    const jump = [];
    let rows = 0;
    // One untimed round first, like the browser's warm-up.
    for (let i = 0; i <= repeats; i++) {
      await imap.command(`EXAMINE ${quoteImap(otherFolder)}`);
      let t0 = process.hrtime.bigint();
      await imap.command(`EXAMINE ${quoteImap(folder)}`);
      const examineMs = ms(t0);
      const firstLines = await imap.command(`UID FETCH ${firstUids} ${LIST_FETCH_ITEMS}`);
      const openMs = ms(t0);
      t0 = process.hrtime.bigint();
      const middleLines = await imap.command(`UID FETCH ${middleUids} ${LIST_FETCH_ITEMS}`);
      const jumpMs = ms(t0);
      rows = firstLines.filter((l) => / FETCH /.test(l)).length + middleLines.filter((l) => / FETCH /.test(l)).length;
      if (i === 0) continue;
      open.push(openMs);
      examine.push(examineMs);
      jump.push(jumpMs);
    }
    return { open: summarize(open), examine: summarize(examine), jump: summarize(jump), samples: { open, examine, jump }, firstUids, middleUids, rowsPerRound: rows };
  } finally {
    await imap.logout();
  }
}

function doveadm(inst, args) {
  const [cmd, ...rest] = doveadmArgs(inst, ...args);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, rest, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const took = ms(t0);
  if (r.status !== 0) throw new Error(`doveadm ${args.slice(0, 1)} failed (exit ${r.status ?? r.signal}): ${r.stderr.trim()}`);
  return { ms: took, stdout: r.stdout };
}

/**
 * Dovecot's own tool on the same mail: `doveadm search` for the middle page's sequence range,
 * `doveadm fetch` of the list fields for the first and the middle page. Each figure includes
 * starting doveadm (a process per command), so it is an upper bound for Dovecot's own work.
 */
export function doveadmReference({ inst, user, folder, pages, repeats }) {
  const search = [];
  const first = [];
  const middle = [];
  let uids = 0;
  for (let i = 0; i <= repeats; i++) {
    const s = doveadm(inst, ['search', '-u', user, 'mailbox', folder, `${pages.middle.seqFrom}:${pages.middle.seqTo}`]);
    const middleUids = s.stdout.trim().split('\n').map((l) => Number(l.split(/\s+/)[1]));
    uids = middleUids.length;
    const lo = Math.min(...middleUids);
    const hi = Math.max(...middleUids);
    const f = doveadm(inst, ['fetch', '-u', user, DOVEADM_FIELDS, 'mailbox', folder, `${pages.first.seqFrom}:${pages.first.seqTo}`]);
    const m = doveadm(inst, ['fetch', '-u', user, DOVEADM_FIELDS, 'mailbox', folder, 'uid', `${lo}:${hi}`]);
    if (i === 0) continue; // warm-up
    search.push(s.ms);
    first.push(f.ms);
    middle.push(m.ms);
  }
  return { search: summarize(search), first: summarize(first), middle: summarize(middle), samples: { search, first, middle }, middleRows: uids };
}
