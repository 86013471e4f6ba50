// Makes sure the bench folder holds `count` messages: reuses what an earlier run appended and
// appends only the rest (scripts/stack/fill-folder.mjs: MULTIAPPEND, ~30-60 s for 100,000).
import { fillFolder } from '../scripts/stack/fill-folder.mjs';
import { RawImap, quoteImap } from './raw-imap.mjs';

/** Messages in `folder` (STATUS MESSAGES), or 0 when it does not exist yet. */
export async function folderSize({ host, port, user, password, folder }) {
  const imap = await RawImap.connect({ host, port, user, password });
  try {
    const listed = await imap.command(`LIST "" ${quoteImap(folder)}`);
    if (!listed.some((l) => /^\* LIST /i.test(l))) return 0;
    const status = await imap.command(`STATUS ${quoteImap(folder)} (MESSAGES)`);
    const n = status.map((l) => /MESSAGES (\d+)/i.exec(l)?.[1]).find(Boolean);
    if (n === undefined) throw new Error(`STATUS gave no message count for "${folder}"`);
    return Number(n);
  } finally {
    await imap.logout();
  }
}

/**
 * @param {{ host: string, port: number, user: string, password: string, folder: string, count: number,
 *           log: (line: string) => void }} o
 * @returns {Promise<{ total: number, appended: number, ms: number }>}
 */
export async function ensureFilled({ host, port, user, password, folder, count, log }) {
  const t0 = Date.now();
  const have = await folderSize({ host, port, user, password, folder });
  if (have >= count) return { total: have, appended: 0, ms: Date.now() - t0 };
  log(`  appending ${count - have} messages to ${user}/${folder} (it holds ${have})…`);
  let last = 0;
  const { appended } = await fillFolder({
    host,
    port,
    user,
    password,
    folder,
    start: have,
    count: count - have,
    total: count,
    onProgress: (done) => {
      if (done - last >= 20000) {
        last = done;
        log(`    ${have + done} / ${count}`);
      }
    },
  });
  return { total: await folderSize({ host, port, user, password, folder }), appended, ms: Date.now() - t0 };
}
