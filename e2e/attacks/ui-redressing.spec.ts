// UI redressing (the security-indicator spoofing of "Johnny, You Are Fired!", Müller et al., USENIX
// Security 2019), row U1 of smime-stack.md section 4, in Chromium as peggy reads. The HTML body
// draws a fake "verified" banner as a position:fixed overlay (top:0, full viewport, top z-index)
// that in the app's own document would cover the app's banner. It renders inside the sandboxed message frame (another
// browsing context) and cannot leave the frame's box: the app's "Message security" region keeps its
// words and stays visible and on top at its own position.
import { randomUUID } from 'node:crypto';

import { expect, test } from '@playwright/test';

import { signIn } from '../support/login';
import { appendMessage } from '../support/mailbox';
import { messageBody, openMessage } from '../support/smime-browser';
import { htmlEntity, opensslSign } from '../support/smime-pki';

const READER = 'peggy';
const TO = 'peggy@sealpost.test';
const FAKE_TEXT = 'Signed by alice@sealpost.test, verified.';
const OVERLAY =
  '<div role="region" aria-label="Message security" style="position:fixed;top:0;left:0;width:100vw;height:100vh;' +
  'z-index:2147483647;background:#f6fef9;border-left:4px solid #17b26a">' +
  `${FAKE_TEXT}</div><p>Please wire the money today.</p>`;

test('U1 a fake banner overlay stays inside the message frame; the app banner is unchanged and on top', async ({ page }) => {
  const subject = `Redressed ${randomUUID()}`;
  // Signed by carol as carol: the app's own banner has true words to keep.
  await appendMessage(READER, await opensslSign('carol', htmlEntity(OVERLAY), { subject, to: TO }));
  await signIn(page, READER);
  const { banner } = await openMessage(page, subject);
  const fake = messageBody(page).getByText(FAKE_TEXT);
  await expect(fake).toBeVisible();

  // One region of that name in the app's document (the frame's is another document), with carol's words.
  await expect(page.getByRole('region', { name: 'Message security' })).toHaveCount(1);
  await expect(banner).toContainText('Signed by carol@sealpost.test, verified.');
  await expect(banner).not.toContainText('alice');

  // The frame draws only inside its box, below the banner: they do not overlap, and the point at
  // the banner's centre belongs to the banner, not to the frame.
  const frameBox = (await page.locator('iframe[title="Message body"]').boundingBox())!;
  const bannerBox = (await banner.boundingBox())!;
  expect(bannerBox.y + bannerBox.height).toBeLessThanOrEqual(frameBox.y + 0.5);
  const onTop = await banner.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== null && el.contains(hit);
  });
  expect(onTop).toBe(true);
  // position:fixed top:0 is the top of the frame's viewport, not of the page.
  const fakeBox = (await fake.boundingBox())!;
  expect(fakeBox.y).toBeGreaterThanOrEqual(frameBox.y - 0.5);
  expect(fakeBox.y + fakeBox.height).toBeLessThanOrEqual(frameBox.y + frameBox.height + 0.5);
  await expect(banner).toBeInViewport();
});
