import { randomUUID } from 'node:crypto';

import { expect, test } from '@playwright/test';

import { signIn } from '../support/login';
import { appendMessage, buildMessage } from '../support/mailbox';
import { restartStack, stopService } from '../support/stack';

// The LDAP directory being down costs address completion only its directory half: recent
// correspondents are still offered, with a note, and typing by hand still works.
test('with the directory down, completion still offers recent correspondents', async ({ page }) => {
  const nick = `Yd${randomUUID().slice(0, 6)}`;
  // sybil heard from someone recently: a message in her Inbox. One address for every run (the
  // name, from the newest message, tells this run's apart), so reruns do not pile up matches.
  await appendMessage('sybil', await buildMessage({ from: { name: `Carla ${nick}`, address: 'carla.recent@example.org' }, to: ['sybil@sealpost.test'], subject: `Hi from ${nick}`, text: 'hi' }));
  await signIn(page, 'sybil');
  await page.getByRole('button', { name: 'New message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New message' });
  const to = dialog.getByRole('combobox', { name: 'To' });

  stopService('ldap');
  try {
    await to.pressSequentially('car');
    const list = dialog.getByRole('listbox', { name: 'To suggestions' });
    await expect(list.getByRole('option', { name: `Carla ${nick} <carla.recent@example.org> Recent` })).toBeVisible();
    await expect(list.getByRole('option', { name: /Directory$/ })).toHaveCount(0);
    await expect(dialog.getByText('The address directory cannot be reached: recent addresses only.')).toBeVisible();
  } finally {
    restartStack();
  }
  // Back: the directory's people are offered again without signing in anew.
  await to.fill('');
  await to.pressSequentially('carol m');
  await expect(dialog.getByRole('option', { name: 'Carol Müller <carol@sealpost.test> Directory' })).toBeVisible();
});
