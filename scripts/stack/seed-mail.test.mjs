import crypto from 'node:crypto';

import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';

import { DEMO_USERS } from './demo-users.mjs';
import { MAX_LINE_OCTETS } from './mail-factory.mjs';
import { countPlan, planSeedMail } from './seed-mail.mjs';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const DAY = 86_400_000;

const digest = (plan) => {
  const h = crypto.createHash('sha256');
  for (const [name, list] of plan) for (const m of list) h.update(`${name}/${m.folder}/${m.flags.join(',')}/${m.date.toISOString()}/`).update(m.raw);
  return h.digest('hex');
};

describe('planSeedMail', () => {
  const plan = planSeedMail(DEMO_USERS, NOW);

  it('is deterministic for a fixed now, and moves with now', () => {
    expect(digest(planSeedMail(DEMO_USERS, NOW))).toBe(digest(plan));
    const later = planSeedMail(DEMO_USERS, NOW + 30 * DAY);
    expect(later.get('alice').at(-1).date.getTime() - plan.get('alice').at(-1).date.getTime()).toBe(30 * DAY);
  });

  it('gives every user a few hundred messages spread over the folders and the last year', () => {
    const counts = countPlan(plan);
    for (const user of DEMO_USERS) {
      const c = counts[user.name];
      expect(c.INBOX).toBeGreaterThanOrEqual(220);
      expect(c.INBOX).toBeLessThanOrEqual(280);
      expect(c.Sent).toBeGreaterThanOrEqual(30);
      expect(c.Sent).toBeLessThanOrEqual(50);
      expect(c.Drafts).toBe(2);
      for (const f of ['Archive', 'Junk', 'Trash']) expect(c[f]).toBeGreaterThanOrEqual(3);
      const dates = plan.get(user.name).map((m) => m.date.getTime());
      expect(Math.max(...dates)).toBeLessThan(NOW);
      expect(Math.min(...dates)).toBeGreaterThan(NOW - 366 * DAY);
      expect(Math.min(...dates)).toBeLessThan(NOW - 300 * DAY);
    }
  });

  it('puts the welcome mail newest in each Inbox, unread', () => {
    for (const user of DEMO_USERS) {
      const inbox = plan.get(user.name).filter((m) => m.folder === 'INBOX');
      const newest = inbox.reduce((a, b) => (a.date > b.date ? a : b));
      expect(newest.subject).toMatch(/^Welcome to Sealpost/);
      expect(newest.flags).toEqual([]);
      expect(inbox.at(-1)).toBe(newest); // appended last: highest UID too
    }
  });

  it('mixes read, unread, flagged and answered mail, mostly read when older', () => {
    const inbox = plan.get('carol').filter((m) => m.folder === 'INBOX');
    const old = inbox.filter((m) => m.date.getTime() < NOW - 7 * DAY);
    const oldSeen = old.filter((m) => m.flags.includes('\\Seen')).length / old.length;
    expect(oldSeen).toBeGreaterThan(0.8);
    expect(oldSeen).toBeLessThan(1);
    expect(inbox.filter((m) => !m.flags.includes('\\Seen')).length).toBeGreaterThan(5);
    expect(inbox.some((m) => m.flags.includes('\\Flagged'))).toBe(true);
    expect(inbox.some((m) => m.flags.includes('\\Answered'))).toBe(true);
    expect(plan.get('carol').filter((m) => m.folder === 'Drafts').every((m) => m.flags.includes('\\Draft'))).toBe(true);
  });

  it('never files the same Message-ID twice in one folder', () => {
    for (const list of plan.values()) {
      const keys = list.map((m) => `${m.folder} ${m.messageId}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('writes every message with CRLF line ends, 7-bit, no line over 998 octets, Date = internal date', async () => {
    for (const list of plan.values()) {
      for (const m of list) {
        const s = m.raw.toString('latin1');
        expect(s.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
        expect(s.split('\r\n').every((l) => l.length <= MAX_LINE_OCTETS)).toBe(true);
        expect(/[\x80-\xff]/.test(s)).toBe(false);
      }
    }
    for (const m of plan.get('alice').slice(0, 50)) {
      expect(new Date((await PostalMime.parse(m.raw)).date).getTime()).toBe(m.date.getTime());
    }
  });

  it('holds the 10-message roadmap thread with a consistent References chain, in Inbox and Sent', async () => {
    for (const user of DEMO_USERS) {
      const thread = plan.get(user.name).filter((m) => m.messageId.startsWith('roadmap-q4.'));
      expect(thread).toHaveLength(10);
      expect(thread.filter((m) => m.folder === 'Sent')).toHaveLength(2);
      const parsed = await Promise.all(thread.map((m) => PostalMime.parse(m.raw)));
      parsed.forEach((m, k) => {
        expect(m.messageId).toBe(`<roadmap-q4.${k}@sealpost.test>`);
        const refs = m.references ? m.references.split(/\s+/) : [];
        expect(refs).toEqual(parsed.slice(0, k).map((p) => p.messageId));
        expect(m.inReplyTo).toBe(k ? parsed[k - 1].messageId : undefined);
        expect(m.subject).toBe(`${k ? 'Re: ' : ''}Q4 roadmap: décisions finales 🚀`);
        if (k) expect(new Date(m.date).getTime()).toBeGreaterThan(new Date(parsed[k - 1].date).getTime());
      });
    }
  });

  it('files mail between demo users in the sender’s Sent and the recipient’s Inbox', () => {
    const sent = plan.get('alice').filter((m) => m.folder === 'Sent' && m.messageId.startsWith('pair-alice-bob-'));
    expect(sent.length).toBeGreaterThan(0);
    for (const m of sent) {
      const copy = plan.get('bob').find((b) => b.folder === 'INBOX' && b.messageId === m.messageId);
      expect(copy?.raw.equals(m.raw)).toBe(true);
    }
  });

  it('has newsletters with a remote image, attachments of every kind, an inline image, and many scripts', async () => {
    const parsed = await Promise.all(plan.get('bob').map((m) => PostalMime.parse(m.raw, { forceRfc822Attachments: true })));
    const newsletters = parsed.filter((m) => m.headers.some((h) => h.key === 'list-unsubscribe'));
    expect(newsletters.length).toBeGreaterThanOrEqual(20);
    for (const n of newsletters) {
      expect(n.html).toContain('<img src="http://example.com/pixel.png"');
      expect(n.html).toMatch(/<table[^>]*style=/);
      expect(n.text).toBeTruthy();
    }
    const types = new Set(parsed.flatMap((m) => m.attachments.map((a) => a.mimeType)));
    for (const t of ['application/pdf', 'image/png', 'text/csv', 'text/plain', 'text/calendar', 'message/rfc822']) expect(types).toContain(t);
    const pdf = parsed.flatMap((m) => m.attachments).find((a) => a.mimeType === 'application/pdf');
    expect(Buffer.from(pdf.content).subarray(0, 8).toString()).toBe('%PDF-1.4');
    const inline = parsed.find((m) => m.attachments.some((a) => a.contentId && m.html?.includes(`cid:${a.contentId.slice(1, -1)}`)));
    expect(inline).toBeTruthy();
    expect(parsed.flatMap((m) => m.attachments).some((a) => /[^\x20-\x7e]/.test(a.filename ?? ''))).toBe(true);
    const names = new Set(parsed.map((m) => m.from?.name));
    for (const n of ['José Ñúñez', 'Zoë Ünal', 'Łukasz Żółć', '山田太郎', 'Αλέξης Παπαδόπουλος', 'Carol Müller']) expect(names).toContain(n);
    expect(parsed.some((m) => /\p{Extended_Pictographic}/u.test(m.subject ?? ''))).toBe(true);
  });

  it('works for a single user (no pairs to thread with)', () => {
    const solo = planSeedMail([DEMO_USERS[0]], NOW);
    expect(solo.get('alice').length).toBeGreaterThan(200);
  });
});
