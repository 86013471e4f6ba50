// The in-browser figures, in Debian's Chromium driven by Playwright (never a downloaded browser):
//  (a) clicking the big folder in the tree -> the first rows of "Messages" drawn;
//  (b) setting the list's scrollTop to the middle of its scrollHeight -> rows near position
//      total/2 drawn.
// Each round starts from an empty folder, so every open and every jump starts cold in the page.
import { chromium } from '@playwright/test';

import { armFirstRows, collectProbe, jumpToMiddle } from './page-probes.mjs';
import { summarize } from './stats.mjs';

export const CHROMIUM = '/usr/bin/chromium';
/** As in playwright.config.ts: no background traffic, no GPU (this machine has neither). */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function launchBrowser() {
  // The benchmark handles Ctrl-C itself: Playwright's own handler would exit before the app and
  // the stack are stopped.
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
}

/**
 * @param {{ browser: import('@playwright/test').Browser, url: string, user: string, password: string,
 *           folder: string, emptyFolder: string, total: number, repeats: number,
 *           firstRowsTimeoutMs: number, jumpTimeoutMs: number, log: (line: string) => void }} o
 */
export async function measureInBrowser({ browser, url, user, password, folder, emptyFolder, total, repeats, firstRowsTimeoutMs, jumpTimeoutMs, log }) {
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    // The API reads a session makes (GET /api/…): on loading /mail, and in the last round's open
    // and jump. The memory measure replays them for each of its sessions, so it follows whatever
    // the list asks the server for.
    let recording = true;
    const apiReads = [];
    page.on('request', (req) => {
      const u = new URL(req.url());
      if (recording && req.method() === 'GET' && u.pathname.startsWith('/api/')) apiReads.push(u.pathname + u.search);
    });
    await page.goto(`${url}/login`);
    await page.getByRole('textbox', { name: 'Username' }).fill(user);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/mail');
    const tree = page.getByRole('tree', { name: 'Folders' });
    const bigFolder = tree.getByRole('treeitem', { name: new RegExp(`^${escapeRegExp(folder)}(,|$)`) });
    const empty = tree.getByRole('treeitem', { name: new RegExp(`^${escapeRegExp(emptyFolder)}(,|$)`) });
    const listbox = page.getByRole('listbox', { name: 'Messages' });
    await bigFolder.waitFor();
    await listbox.waitFor();
    await page.waitForLoadState('networkidle');
    recording = false;

    const target = Math.floor(total / 2);
    // "Near" the middle: within 1% of the folder (the viewport shows ~20 rows; a list may
    // centre the target or keep a few rows of overscan above it).
    const tolerance = Math.max(50, Math.round(total * 0.01));
    const open = [];
    const jump = [];
    const rounds = [];
    for (let i = 0; i <= repeats; i++) {
      await empty.click();
      await page.getByRole('heading', { name: emptyFolder, exact: true }).waitFor();
      await listbox.getByRole('option').first().waitFor({ state: 'detached' });

      await page.evaluate(armFirstRows, { timeoutMs: firstRowsTimeoutMs });
      recording = i === repeats;
      await bigFolder.click();
      const first = await page.evaluate(collectProbe);
      if (!first.ok) throw new Error(`opening "${folder}": ${first.reason}`);
      await page.getByRole('heading', { name: folder, exact: true }).waitFor();

      const j = await page.evaluate(jumpToMiddle, { target, tolerance, timeoutMs: jumpTimeoutMs });
      if (recording) await page.waitForLoadState('networkidle');
      recording = false;
      const warm = i === 0;
      rounds.push({ warmUp: warm, firstRows: first, jump: j });
      const jumpText = j.ok ? `${j.ms.toFixed(0)} ms (row ${j.position})` : `not reached in ${jumpTimeoutMs} ms (furthest row drawn ${j.furthest}, ${j.options} options in the DOM, ${j.virtualized ? 'aria-posinset' : 'no aria-posinset'})`;
      log(`    ${warm ? 'warm-up' : `round ${i}`}: first rows ${first.ms.toFixed(0)} ms (${first.rows} rows), jump ${jumpText}`);
      if (warm) continue;
      open.push(first.ms);
      if (j.ok) jump.push(j.ms);
    }
    const measured = rounds.filter((r) => !r.warmUp);
    const missed = measured.filter((r) => !r.jump.ok);
    return {
      firstRows: summarize(open),
      jump: summarize(jump),
      jumpTarget: { target, tolerance },
      jumpReached: measured.length - missed.length,
      jumpMissed: missed.length,
      apiReads,
      jumpNote: missed.length ? missed[0].jump.reason + (missed[0].jump.virtualized ? '' : ' (the list has no aria-posinset: it is not virtualized, scrolling loads pages one by one)') : null,
      rounds,
    };
  } finally {
    await context.close();
  }
}
