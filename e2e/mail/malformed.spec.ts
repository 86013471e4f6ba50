import { randomUUID } from 'node:crypto';

import { expect, test } from '@playwright/test';

import { MALFORMED_KINDS, READABLE_TEXT, malformedMessage } from '../../tests/fixtures/malformed-messages';
import { signIn } from '../support/login';
import { appendMessage, buildMessage } from '../support/mailbox';

// Issue 3, "Bad input and faults": malformed messages are listed and shown with a notice; they
// never break the list or the page. They go to rupert's Inbox (a reader-area test user).
const USER = 'rupert';

test('malformed messages are listed, open with a notice and what could be read, and leave the UI usable', async ({ page }) => {
  test.setTimeout(120_000);
  const tag = randomUUID();
  const fine = `Well-formed ${tag}`;
  await appendMessage(USER, await buildMessage({ from: 'ok@example.com', to: `${USER}@sealpost.test`, subject: fine, text: 'All is well.' }));
  for (const kind of MALFORMED_KINDS) await appendMessage(USER, malformedMessage(kind, tag));
  await signIn(page, USER);

  const list = page.getByRole('listbox', { name: 'Messages' });
  const reader = page.getByRole('region', { name: 'Reading pane' });
  for (const kind of MALFORMED_KINDS) {
    const row = list.getByRole('option', { name: new RegExp(`Malformed ${kind} ${tag}`) });
    await expect(row, kind).toBeVisible();
    await expect(row, kind).toContainText(/Mallet Broken|Jürgen Größe/);
    await row.click();
    await expect(reader.getByRole('heading', { name: new RegExp(`Malformed ${kind} ${tag}`) }), kind).toBeVisible();
    await expect(reader.getByRole('status', { name: 'Problems with this message' }), kind).toBeVisible();
    await expect(reader.getByRole('alert'), kind).toHaveCount(0);
    if (READABLE_TEXT[kind]) {
      await expect(page.frameLocator('iframe[title="Message body"]').getByText(READABLE_TEXT[kind]), kind).toBeVisible();
    }
  }

  // The rest of the UI still works: another message opens without a notice.
  await list.getByRole('option', { name: new RegExp(fine) }).click();
  await expect(page.frameLocator('iframe[title="Message body"]').getByText('All is well.')).toBeVisible();
  await expect(reader.getByRole('status', { name: 'Problems with this message' })).toHaveCount(0);
  await page.getByRole('treeitem', { name: /^Sent/ }).click();
  await expect(page.getByRole('heading', { name: 'Sent' })).toBeVisible();
});
