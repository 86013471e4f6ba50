// Turns the measurements into the printed table and the JSON record of a run.
import { ratio, verdict } from './stats.mjs';

/** The targets of issue 3. */
export const TARGETS = { firstRowsMs: 500, jumpMs: 200, memoryPerSessionBytes: 10 * 1024 * 1024 };

const msText = (v) => (v == null ? '—' : `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms`);
const mbText = (v) => (v == null ? '—' : `${(v / 1048576).toFixed(2)} MB`);
const ratioText = (r) => (r == null ? '—' : `${r < 1 ? r.toPrecision(2) : r.toFixed(r < 10 ? 1 : 0)}×`);
const range = (s, fmt) => (s.n ? `${fmt(s.min)}–${fmt(s.max)}` : '—');

/**
 * The rows of the result table.
 * @param {{ browser: any, imap: any, doveadm: any, memory: any }} m
 */
export function resultRows({ browser, imap, doveadm, memory }) {
  const jumpValue = browser.jumpMissed ? null : browser.jump.median;
  const heap = memory.perSession.heapPlusExternal;
  return [
    {
      metric: 'open folder → first rows drawn',
      median: msText(browser.firstRows.median),
      range: range(browser.firstRows, msText),
      target: `< ${TARGETS.firstRowsMs} ms`,
      reference: `${msText(imap.open.median)} IMAP EXAMINE+UID FETCH 100`,
      ratio: ratioText(ratio(browser.firstRows.median, imap.open.median)),
      doveadm: msText(doveadm.first.median),
      result: verdict(browser.firstRows.median, TARGETS.firstRowsMs),
    },
    {
      metric: 'jump to middle → rows drawn',
      median: browser.jumpMissed ? `not reached ${browser.jumpMissed}/${browser.jumpMissed + browser.jumpReached}` : msText(jumpValue),
      range: range(browser.jump, msText),
      target: `< ${TARGETS.jumpMs} ms`,
      reference: `${msText(imap.jump.median)} IMAP UID FETCH 100`,
      ratio: ratioText(ratio(jumpValue, imap.jump.median)),
      doveadm: msText(doveadm.middle.median),
      result: verdict(jumpValue, TARGETS.jumpMs),
    },
    {
      metric: 'server memory per session (heap+ext)',
      median: mbText(heap),
      range: `RSS ${mbText(memory.perSession.rss)}`,
      target: `< ${mbText(TARGETS.memoryPerSessionBytes)}`,
      reference: `${mbText(memory.perSession.dovecotImapPss)} Dovecot imap Pss`,
      ratio: ratioText(ratio(heap, memory.perSession.dovecotImapPss)),
      doveadm: '—',
      result: verdict(heap, TARGETS.memoryPerSessionBytes),
    },
  ];
}

const COLUMNS = [
  ['metric', 'metric'],
  ['median', 'median'],
  ['range', 'min–max'],
  ['target', 'target'],
  ['reference', 'reference (same run)'],
  ['ratio', 'ratio'],
  ['doveadm', 'doveadm'],
  ['result', 'result'],
];

/** A plain-text table, one line per row. */
export function formatTable(rows) {
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...rows.map((r) => String(r[key]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd();
  return [line(COLUMNS.map(([, t]) => t)), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(COLUMNS.map(([k]) => r[k])))].join('\n');
}

/** A file-name-safe UTC timestamp: 2026-11-23T10-41-05Z. */
export const runStamp = (d = new Date()) => d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
