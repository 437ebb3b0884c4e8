import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** What the tests sign their webhook deliveries with (tests/plans.spec.ts). */
export const WEBHOOK_SECRET = 'end-to-end webhook secret';

/** Tests that publish releases on the shared demo server. */
const publishes = /plans\.spec\.ts/;

// The release build, served on a port of its own with a fresh demo database.
const port = Number(process.env.E2E_PORT ?? 3917);
const binary = process.env.RELEASEDESK_BIN ?? resolve(__dirname, '../target/release/releasedesk');
const siteRoot = process.env.LEPTOS_SITE_ROOT ?? resolve(__dirname, '../target/site');
const database = join(mkdtempSync(join(tmpdir(), 'releasedesk-e2e-')), 'e2e.db');
// The fake GitHub (tests/src/bin/fake-github.rs) stands in for github.com and its API.
const githubPort = Number(process.env.E2E_GITHUB_PORT ?? 3918);
const fakeGitHub =
  process.env.FAKE_GITHUB_BIN ?? resolve(__dirname, '../target/debug/fake-github');

// Debian's Chromium, never a downloaded browser; no background traffic on a closed network.
const chromium = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  // One retry in CI, where the machine is shared; Playwright still reports such a test as flaky.
  retries: process.env.CI ? 1 : 0,
  timeout: 30_000,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: chromium,
    trace: 'off',
  },
  projects: [
    { name: 'no-javascript', testIgnore: publishes, use: { javaScriptEnabled: false } },
    { name: 'hydrated', testIgnore: publishes, use: { javaScriptEnabled: true } },
    // Publishing releases changes what every other test reads: those tests run after the rest.
    {
      name: 'publish-no-javascript',
      testMatch: publishes,
      dependencies: ['no-javascript', 'hydrated'],
      use: { javaScriptEnabled: false },
    },
    {
      name: 'publish-hydrated',
      testMatch: publishes,
      dependencies: ['publish-no-javascript'],
      use: { javaScriptEnabled: true },
    },
  ],
  webServer: [
    {
      command: `"${fakeGitHub}" 127.0.0.1:${githubPort}`,
      url: `http://127.0.0.1:${githubPort}/repos/acme/orbit`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `"${binary}" serve --demo --bind 127.0.0.1:${port}`,
      url: `http://127.0.0.1:${port}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        RELEASEDESK_DATABASE_URL: `sqlite://${database}`,
        LEPTOS_SITE_ROOT: siteRoot,
        RELEASEDESK_GITHUB_OAUTH_URL: `http://127.0.0.1:${githubPort}`,
        RELEASEDESK_GITHUB_API_URL: `http://127.0.0.1:${githubPort}`,
        RELEASEDESK_GITHUB_CLIENT_ID: 'fake-client-id',
        RELEASEDESK_GITHUB_CLIENT_SECRET: 'fake-client-secret',
        RELEASEDESK_SECRET_KEY: 'end-to-end tests only, not a secret',
        // The tests push tags as GitHub would: signed webhook deliveries.
        RELEASEDESK_WEBHOOK_SECRET: WEBHOOK_SECRET,
        // The whole suite signs in from one address, faster than 30 times a minute.
        RELEASEDESK_SIGN_IN_LIMIT: '600',
        RUST_LOG: 'warn',
      },
    },
  ],
});
