import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';

import { DEMO_USERS } from './demo-users.mjs';
import { planSeedMail } from './seed-mail.mjs';

const NOW = Date.parse('2026-11-23T12:00:00Z');

describe('planSeedMail', () => {
  const plan = planSeedMail(DEMO_USERS, NOW);

  it('is deterministic for a fixed now', () => {
    const again = planSeedMail(DEMO_USERS, NOW);
    for (const user of DEMO_USERS) {
      const a = plan.get(user.name).map((m) => m.raw.toString('base64'));
      const b = again.get(user.name).map((m) => m.raw.toString('base64'));
      expect(a).toEqual(b);
    }
  });

  it('gives every user a few hundred messages in every special folder, the welcome mail newest in the Inbox', () => {
    for (const user of DEMO_USERS) {
      const msgs = plan.get(user.name);
      expect(msgs.length).toBeGreaterThanOrEqual(250);
      expect(msgs.length).toBeLessThan(500);
      for (const f of ['INBOX', 'Sent', 'Drafts', 'Archive', 'Junk', 'Trash']) expect(msgs.some((m) => m.folder === f)).toBe(true);
      const inbox = msgs.filter((m) => m.folder === 'INBOX');
      const newest = inbox.reduce((a, b) => (a.date > b.date ? a : b));
      expect(newest.subject).toMatch(/^Welcome to Sealpost/);
      for (const m of msgs) expect(m.date.getTime()).toBeLessThanOrEqual(NOW);
    }
  });

  it('holds a long thread whose References chain is consistent', async () => {
    const thread = plan.get('alice').filter((m) => m.subject.includes('Q4 roadmap'));
    expect(thread.length).toBe(10);
    const parsed = await Promise.all(thread.map((m) => PostalMime.parse(m.raw)));
    parsed.sort((a, b) => (a.references?.length ?? 0) - (b.references?.length ?? 0));
    for (let k = 1; k < parsed.length; k++) {
      expect(parsed[k].inReplyTo).toBe(parsed[k - 1].messageId);
      expect(parsed[k].references?.split(' ').at(-1)).toBe(parsed[k - 1].messageId);
    }
  });

  it('has HTML with a remote image, attachments and non-ASCII senders that parse cleanly', async () => {
    const parsed = await Promise.all(plan.get('bob').map((m) => PostalMime.parse(m.raw)));
    expect(parsed.some((m) => m.html?.includes('http://example.com/pixel.png'))).toBe(true);
    expect(parsed.some((m) => m.attachments.some((a) => a.mimeType === 'application/pdf'))).toBe(true);
    expect(parsed.some((m) => m.attachments.some((a) => a.contentId))).toBe(true);
    expect(parsed.some((m) => m.from?.name === '山田太郎')).toBe(true);
  });
});
