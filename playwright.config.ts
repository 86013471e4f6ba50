import { defineConfig } from '@playwright/test';

// The app and the "test" mail stack are started by scripts/test.mjs, which passes the URL.
// Browsers come from Debian: /usr/bin/chromium, never a downloaded build.
const baseURL = process.env.SEALPOST_APP_URL ?? 'http://127.0.0.1:7200';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e-artifacts',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  retries: 0,
  workers: 2,
  forbidOnly: true,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL,
    locale: 'en-US',
    timezoneId: 'UTC',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.SEALPOST_CHROMIUM ?? '/usr/bin/chromium',
      // No background traffic to Google's hosts: this machine has no internet.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // Sandboxed frames (the message body) otherwise run in a process of their own, whose
        // requests Playwright neither routes nor reports (Chromium 156, Playwright 1.65): every
        // "nothing leaves the browser" check would be blind to the message. The sandbox, the CSP
        // and the sanitizer act the same in either process model. efail.spec.ts E1's control
        // fails without this line.
        '--disable-features=IsolateSandboxedIframes',
      ],
    },
  },
  projects: [
    // Fault tests stop and restart parts of the shared stack, so they run alone, after the rest.
    { name: 'main', testIgnore: /faults\// },
    // One worker: two fault files must not stop and start the same services under each other.
    { name: 'faults', testMatch: /faults\/.*\.spec\.ts/, dependencies: ['main'], fullyParallel: false, workers: 1 },
  ],
});
