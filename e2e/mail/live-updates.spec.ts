import { randomUUID } from 'node:crypto';

import { expect, test } from '@playwright/test';

import { signIn } from '../support/login';
import { appendMessage, buildMessage } from '../support/mailbox';

// New mail pushed to an open mail view (IMAP IDLE on the server, an event stream to the page).
// niaj's mailbox is this area's own.

/** The Inbox's unread count, read from its accessible name ("Inbox, 3 unread" or "Inbox"). */
async function inboxUnread(name: string | null): Promise<number> {
  return Number(/, (\d+) unread/.exec(name ?? '')?.[1] ?? 0);
}

test('a message delivered while the mail view is open appears without reloading, with the unread count', async ({ page }) => {
  await signIn(page, 'niaj');
  const inbox = page.getByRole('treeitem', { name: /^Inbox/ });
  await expect(inbox).toBeVisible();
  await expect(page.getByRole('listbox', { name: 'Messages' })).toBeVisible();
  // Let the page's event stream and the server's IDLE come up before the message arrives.
  await page.waitForTimeout(1500);
  const before = await inboxUnread(await inbox.getAttribute('aria-label'));

  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations++;
  });
  const subject = `Pushed ${randomUUID()}`;
  await appendMessage('niaj', await buildMessage({ from: { name: 'Olivia Push', address: 'olivia@sealpost.test' }, to: ['niaj@sealpost.test'], subject, date: new Date(), text: 'no reload needed' }));

  const row = page.getByRole('listbox', { name: 'Messages' }).getByRole('option', { name: new RegExp(subject) });
  await expect(row).toBeVisible({ timeout: 15_000 });
  await expect(row.getByRole('img', { name: 'Unread' })).toBeVisible();
  await expect(page.getByRole('treeitem', { name: `Inbox, ${before + 1} unread` })).toBeVisible();
  // The newest message is first.
  await expect(page.getByRole('option').first()).toContainText(subject);
  expect(navigations).toBe(0);
});

test('the event stream is a text/event-stream for signed-in users only', async ({ page, request }) => {
  const anonymous = await request.get('/api/events?folder=INBOX');
  expect(anonymous.status()).toBe(401);
  expect((await anonymous.json()).error.code).toBe('not-signed-in');

  await signIn(page, 'niaj');
  // The page's own stream: EventSource requests carry Accept: text/event-stream.
  const stream = await page.evaluate(async () => {
    const controller = new AbortController();
    const res = await fetch('/api/events?folder=INBOX', { signal: controller.signal, headers: { Accept: 'text/event-stream' } });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: ready')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    return { status: res.status, type: res.headers.get('content-type'), text };
  });
  expect(stream.status).toBe(200);
  expect(stream.type).toMatch(/^text\/event-stream/);
  expect(stream.text).toContain('event: ready\ndata: {"folder":"INBOX"}');
});
