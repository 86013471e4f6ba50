import { randomUUID } from 'node:crypto';

import { type Page, expect, test } from '@playwright/test';

import { fillTestFolder } from '../support/list-mailbox';
import { signIn } from '../support/login';
import { buildMessage } from '../support/mailbox';

// ivan's own folder per test, with three messages that differ in every sort key, appended
// (arrived) in date order.
async function openSortFolder(page: Page): Promise<void> {
  const folder = `Sort ${randomUUID().slice(0, 8)}`;
  const to = ['ivan@sealpost.test'];
  await fillTestFolder('ivan', folder, [
    {
      raw: await buildMessage({
        from: { name: 'Carla Mendes', address: 'carla@x.example' },
        to,
        subject: 'Gamma notes',
        date: new Date('2024-01-05T10:00:00Z'),
        text: 'a kiwi in the body',
        attachments: [{ filename: 'data.csv', contentType: 'text/csv', content: 'a,b\r\n1,2\r\n' }],
      }),
      flags: ['\\Seen'],
    },
    {
      raw: await buildMessage({ from: { name: 'Anna Zeller', address: 'anna@x.example' }, to, subject: 'Beta report', date: new Date('2024-03-10T10:00:00Z'), text: 'short' }),
      flags: ['\\Flagged'],
    },
    {
      raw: await buildMessage({ from: { name: 'Bruno Adams', address: 'bruno@x.example' }, to, subject: 'Alpha invoice Größe', date: new Date('2024-05-20T10:00:00Z'), text: 'long line of text\n'.repeat(1200) }),
      flags: ['\\Seen'],
    },
  ]);
  await signIn(page, 'ivan');
  await page.getByRole('treeitem', { name: new RegExp(`^${folder}`) }).click();
  await expect(page.getByRole('region', { name: folder }).getByText('3 messages')).toBeVisible();
}

const senders = async (page: Page) =>
  (await page.getByRole('listbox', { name: 'Messages' }).getByRole('option').allTextContents()).map((t) => t.split(' ')[0]);

async function expectOrder(page: Page, names: string[]) {
  await expect.poll(() => senders(page)).toEqual(names);
}

test('sorts by date, sender, subject and size, both ways', async ({ page }) => {
  await openSortFolder(page);
  await expectOrder(page, ['Bruno', 'Anna', 'Carla']); // date, newest first
  const sortBy = page.getByRole('combobox', { name: 'Sort by' });
  const descending = page.getByRole('button', { name: 'Descending' });
  await expect(descending).toHaveAttribute('aria-pressed', 'true');
  await descending.click();
  await expect(descending).toHaveAttribute('aria-pressed', 'false');
  await expectOrder(page, ['Carla', 'Anna', 'Bruno']); // oldest first
  await sortBy.selectOption({ label: 'Sender' });
  await expectOrder(page, ['Anna', 'Bruno', 'Carla']);
  await sortBy.selectOption({ label: 'Subject' });
  await expectOrder(page, ['Bruno', 'Anna', 'Carla']); // Alpha, Beta, Gamma
  await sortBy.selectOption({ label: 'Size' });
  await descending.click();
  await expectOrder(page, ['Bruno', 'Carla', 'Anna']); // biggest first
});

test('searching lists the matches in the same list; Esc and Clear leave the search', async ({ page }) => {
  await openSortFolder(page);
  const box = page.getByRole('searchbox', { name: 'Search mail' });
  await expect(box).toHaveAttribute('id', 'mail-search');
  await box.fill('invoice');
  await box.press('Enter');
  await expectOrder(page, ['Bruno']);
  await expect(page.getByText('1 result')).toBeVisible();
  await box.press('Escape');
  await expectOrder(page, ['Bruno', 'Anna', 'Carla']);
  await expect(box).toHaveValue('');

  // Non-ASCII terms go to the server as UTF-8.
  await box.fill('Größe');
  await box.press('Enter');
  await expectOrder(page, ['Bruno']);
  await page.getByRole('button', { name: 'Clear search' }).click();
  await expectOrder(page, ['Bruno', 'Anna', 'Carla']);

  // Esc in the list leaves the search too.
  await box.fill('report');
  await box.press('Enter');
  await expectOrder(page, ['Anna']);
  await page.getByRole('listbox', { name: 'Messages' }).press('Escape');
  await expectOrder(page, ['Bruno', 'Anna', 'Carla']);
  await expect(box).toHaveValue('');

  await box.fill('no such thing anywhere');
  await box.press('Enter');
  await expect(page.getByText('No messages match.')).toBeVisible();
});

test('the advanced search filters by body, flags, attachment and date range', async ({ page }) => {
  await openSortFolder(page);
  await page.getByRole('button', { name: 'Search options' }).click();
  const form = page.getByRole('form', { name: 'Advanced search' });
  const run = async (names: string[]) => {
    await form.getByRole('button', { name: 'Search' }).click();
    await expectOrder(page, names);
  };
  await form.getByRole('textbox', { name: 'Body' }).fill('kiwi');
  await run(['Carla']);
  await form.getByRole('textbox', { name: 'Body' }).fill('');
  await form.getByRole('checkbox', { name: 'Unread' }).check();
  await run(['Anna']);
  await form.getByRole('checkbox', { name: 'Unread' }).uncheck();
  await form.getByRole('checkbox', { name: 'Flagged' }).check();
  await run(['Anna']);
  await form.getByRole('checkbox', { name: 'Flagged' }).uncheck();
  await form.getByRole('checkbox', { name: 'Has attachment' }).check();
  await run(['Carla']);
  await form.getByRole('checkbox', { name: 'Has attachment' }).uncheck();
  await form.getByLabel('Sent on or after').fill('2024-02-01');
  await form.getByLabel('Sent on or before').fill('2024-05-20');
  await run(['Bruno', 'Anna']);
  await form.getByRole('textbox', { name: 'From' }).fill('anna');
  await run(['Anna']);
  await form.getByRole('button', { name: 'Clear' }).click();
  await expectOrder(page, ['Bruno', 'Anna', 'Carla']);
});
