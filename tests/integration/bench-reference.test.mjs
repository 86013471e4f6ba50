// The benchmark's Dovecot side against the real stack: filling (and reusing a fill), the raw
// IMAP reference and the doveadm reference, on a small folder of victor's (the bench area's user).
import { describe, expect, it } from 'vitest';

import { doveadmReference, imapReference } from '../../bench/dovecot-reference.mjs';
import { ensureFilled, folderSize } from '../../bench/ensure-filled.mjs';
import { benchPages } from '../../bench/stats.mjs';
import { stack } from '../support/stack';

const at = { host: stack.host, port: stack.ports.imap, user: 'victor', password: 'victor-pass' };
const FOLDER = 'Bench small';
const COUNT = 600;
const log = () => {};

describe('bench reference against the real Dovecot', () => {
  it('fills a folder once and reuses the fill', async () => {
    const first = await ensureFilled({ ...at, folder: FOLDER, count: COUNT, log });
    expect(first.total).toBe(COUNT);
    const again = await ensureFilled({ ...at, folder: FOLDER, count: COUNT, log });
    expect(again).toMatchObject({ total: COUNT, appended: 0 });
    expect(await folderSize({ ...at, folder: 'No such folder' })).toBe(0);
  });

  it('times EXAMINE + UID FETCH of the first page and the middle page', async () => {
    const pages = benchPages(COUNT);
    const r = await imapReference({ ...at, folder: FOLDER, otherFolder: 'Drafts', pages, repeats: 2 });
    expect(r.rowsPerRound).toBe(200);
    expect(r.open.n).toBe(2);
    expect(r.jump.median).toBeGreaterThan(0);
    expect(r.open.median).toBeGreaterThanOrEqual(r.examine.median);
    expect(r.middleUids).toMatch(/^\d+:\d+$/);
  });

  it('times doveadm search and fetch of the same pages', () => {
    const r = doveadmReference({ inst: stack, user: 'victor', folder: FOLDER, pages: benchPages(COUNT), repeats: 1 });
    expect(r.middleRows).toBe(100);
    expect(r.first.n).toBe(1);
    expect(r.middle.median).toBeGreaterThan(0);
  });
});
