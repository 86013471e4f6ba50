import { randomUUID } from 'node:crypto';

import { type Page, expect, test } from '@playwright/test';

import { signIn } from '../support/login';
import { appendMessage, buildMessage } from '../support/mailbox';

// The app-wide Content-Security-Policy (proxy.ts): every page works under it with no violation.
// Each page's violations are collected from the securitypolicyviolation event and the console.

function watchViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) violations.push(`console: ${m.text()}`);
    // A feature this Chromium does not know in Permissions-Policy is logged as a warning.
    if (/Permissions-Policy/i.test(m.text())) violations.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => violations.push(`pageerror: ${e.message}`));
  return violations;
}

async function reportedViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
}

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations?: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations!.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
});

test('pages carry a strict CSP with a fresh nonce and the security headers', async ({ page }) => {
  const first = await page.goto('/login');
  const headers = first!.headers();
  const csp = headers['content-security-policy']!;
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic'/);
  expect(csp).not.toContain('unsafe-eval');
  for (const d of ['object-src blob:;', "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'", "connect-src 'self' blob: wss://127.0.0.1:* wss://localhost:*;", "img-src 'self' data: blob: https: http:;"]) {
    expect(csp).toContain(d);
  }
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['permissions-policy']).toContain('usb=(self)');
  // Every script element of the page carries this response's nonce.
  const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
  const scripts = await page.evaluate(() => [...document.scripts].map((s) => s.nonce));
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.every((n) => n === nonce)).toBe(true);
  const again = await page.goto('/login');
  expect(/'nonce-([^']+)'/.exec(again!.headers()['content-security-policy']!)![1]).not.toBe(nonce);
});

test('no CSP violations on the login page, the mail view, an HTML message and the composer', async ({ page }) => {
  const violations = watchViolations(page);
  const subject = `CSP ${randomUUID()}`;
  await appendMessage(
    'niaj',
    await buildMessage({
      from: { name: 'Styled Sender', address: 'styled@example.test' },
      to: ['niaj@sealpost.test'],
      subject,
      date: new Date(),
      text: 'plain part',
      html: '<h1 style="font-size:20px;color:#035">Styled heading</h1><p>Inline <b>bold</b> text.</p>',
    }),
  );

  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Sign in to Sealpost' })).toBeVisible();
  expect(await reportedViolations(page)).toEqual([]);

  await signIn(page, 'niaj');
  await expect(page.getByRole('listbox', { name: 'Messages' })).toBeVisible();
  // React is running (hydrated): a click selects a row.
  await page.getByRole('option', { name: new RegExp(subject) }).click();
  await expect(page.frameLocator('iframe[title="Message body"]').getByRole('heading', { name: 'Styled heading' })).toBeVisible();
  // The mail's inline styles apply (the page's policy, which the srcdoc frame inherits, allows them).
  const heading = page.frameLocator('iframe[title="Message body"]').getByRole('heading', { name: 'Styled heading' });
  await expect(heading).toHaveCSS('color', 'rgb(0, 51, 85)');
  await expect(heading).toHaveCSS('font-size', '20px');

  await page.getByRole('button', { name: 'New message' }).click();
  await expect(page.getByRole('dialog', { name: 'New message' })).toBeVisible();
  await page.getByRole('dialog', { name: 'New message' }).getByRole('button', { name: 'Discard' }).click();

  expect(await reportedViolations(page)).toEqual([]);
  expect(violations).toEqual([]);
});

test('API answers are never documents: a locked-down CSP and nosniff', async ({ request }) => {
  const res = await request.get('/api/session');
  expect(res.headers()['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
  expect(res.headers()['x-content-type-options']).toBe('nosniff');
});
