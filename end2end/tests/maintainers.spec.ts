import { test, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hydrated } from './pages';

// A maintainer's way around: their tools near the top, the rare withdraw form folded until
// asked for, and sign-in pages that look like the site and lead back.
const screens = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const;

function tools(page: Page) {
  return page.getByRole('navigation', { name: 'Maintainer tools' });
}

// One sign-in for both screens: the server allows 30 sign-ins a minute from one address.
test('maintainer tools sit at the top and the withdraw form unfolds when asked for', async ({ page, javaScriptEnabled }) => {
  const project = test.info().project.name;
  await page.goto('/auth/login?next=/acme/orbit');
  await expect(page.locator('.account')).toContainText('Signed in as');
  for (const [screen, viewport] of Object.entries(screens)) {
    await page.setViewportSize(viewport);

    // On the history, above the 40 version rows, without scrolling.
    await page.goto('/acme/orbit');
    await expect(tools(page)).toBeInViewport();
    for (const name of ['Open an incident', 'Checklist templates', 'API tokens', 'Settings']) {
      await expect(tools(page).getByRole('link', { name })).toBeVisible();
    }
    await page.screenshot({ path: `test-results/maintainer-history-${project}-${screen}.png` });

    // On a version: its own actions first; the withdraw form stays folded.
    await page.goto('/acme/orbit/v/v3.1.1');
    if (javaScriptEnabled) await hydrated(page);
    await expect(tools(page)).toBeInViewport();
    const why = page.getByLabel('Why');
    await expect(why).toBeHidden();
    await page.screenshot({ path: `test-results/maintainer-version-${project}-${screen}.png` });
    await tools(page).getByRole('link', { name: 'Withdraw this version' }).click();
    await expect(why).toBeVisible();
    await expect(why).toBeInViewport();
    await expect(page.getByRole('button', { name: 'Withdraw v3.1.1' })).toBeVisible();
    await page.screenshot({ path: `test-results/maintainer-withdraw-${project}-${screen}.png` });
  }
  // Readers see none of it.
  await page.context().clearCookies();
  await page.goto('/acme/orbit/v/v3.1.1');
  await expect(tools(page)).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Withdraw this version' })).toHaveCount(0);
});

test('a failed sign-in shows the site and signs in again back to where it started', async ({ page }) => {
  const project = test.info().project.name;
  // The sign-in starts (its state kept in the session), and GitHub comes back with another
  // attempt's state: the sign-in cannot go on.
  const start = await page.request.get('/auth/login?next=/acme/orbit/support', { maxRedirects: 0 });
  expect(start.status()).toBe(303);
  await page.goto('/auth/callback?code=x&state=not-this-one');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This sign-in does not match');
  await expect(page.getByRole('link', { name: 'Release Desk' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Back to where you were' })).toHaveAttribute('href', '/acme/orbit/support');
  await page.screenshot({ path: `test-results/sign-in-problem-${project}.png` });

  await page.getByRole('link', { name: 'Sign in again' }).click();
  await expect(page).toHaveURL(/\/acme\/orbit\/support$/);
  await expect(page.locator('.account')).toContainText('Signed in as');
});

// A second server, without GitHub sign-in: its administrator's way in is the printed link.
test.describe('without GitHub sign-in', () => {
  const port = Number(process.env.E2E_PLAIN_PORT ?? 3919);
  let server: ChildProcess;

  test.beforeAll(async () => {
    const binary = process.env.RELEASEDESK_BIN ?? resolve(__dirname, '../../target/release/releasedesk');
    const database = join(mkdtempSync(join(tmpdir(), 'releasedesk-e2e-plain-')), 'plain.db');
    server = spawn(binary, ['serve', '--demo', '--bind', `127.0.0.1:${port}`], {
      env: {
        PATH: process.env.PATH,
        RELEASEDESK_DATABASE_URL: `sqlite://${database}`,
        LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? resolve(__dirname, '../../target/site'),
        RUST_LOG: 'error',
      },
      stdio: 'ignore',
    });
    for (let tries = 0; ; tries++) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
      if (ready) break;
      if (tries > 100) throw new Error('the second server did not start');
      await new Promise((done) => setTimeout(done, 100));
    }
  });

  test.afterAll(() => {
    server?.kill();
  });

  test('Sign in explains the way in and leads back, not a dead end', async ({ page }) => {
    const project = test.info().project.name;
    await page.goto(`http://127.0.0.1:${port}/acme/orbit/support`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign-in with GitHub is not set up');
    await expect(page.getByText('one-time link')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Sign in again' })).toHaveCount(0);
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await page.screenshot({ path: `test-results/sign-in-not-set-up-${project}.png` });
    await page.getByRole('link', { name: 'Back to where you were' }).click();
    await expect(page).toHaveURL(`http://127.0.0.1:${port}/acme/orbit/support`);
  });
});

test('an ended release is grey, its neighbours are releases, and a version offers its badge', async ({ page }) => {
  const project = test.info().project.name;
  await page.goto('/acme/orbit/v/v1.3.1');
  const chip = page.locator('.facts-line .chip');
  await expect(chip).toHaveText('stable');
  await expect(chip).toHaveAttribute('title', 'Stable, no longer supported');
  // Grey, not the green of a supported release.
  const supportedGreen = await page.evaluate(() => {
    const probe = document.createElement('span');
    probe.className = 'chip chip-stable';
    document.body.append(probe);
    const colour = getComputedStyle(probe).backgroundColor;
    probe.remove();
    return colour;
  });
  expect(await chip.evaluate((e) => getComputedStyle(e).backgroundColor)).not.toBe(supportedGreen);
  const neighbours = page.getByRole('navigation', { name: 'Other versions' });
  await expect(neighbours.getByRole('link', { name: /^Newer:/ })).toHaveText('Newer: v2.0.0');
  await expect(neighbours.getByRole('link', { name: /^Older:/ })).toHaveText('Older: v1.3.0');

  await page.goto('/acme/orbit/v/v3.1.1');
  const badge = page.getByRole('region', { name: 'Support badge' });
  const image = badge.getByRole('img', { name: 'Support status of v3.1.1' });
  await expect(image).toBeVisible();
  expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  const origin = new URL(page.url()).origin;
  await expect(badge.getByLabel('Markdown for a README')).toHaveValue(
    `[![v3.1.1 support](${origin}/badge/acme/orbit/v3.1.1.svg)](${origin}/acme/orbit/v/v3.1.1)`,
  );
  await badge.screenshot({ path: `test-results/badge-${project}.png` });
});

test('the history links its feed and calendar, and both answer', async ({ page }) => {
  await page.goto('/acme/orbit');
  const feed = page.getByRole('link', { name: 'Atom feed' });
  const calendar = page.getByRole('link', { name: 'Support calendar (iCal)' });
  await expect(feed).toBeVisible();
  await expect(calendar).toBeVisible();
  expect(await page.locator('link[rel="alternate"][type="application/atom+xml"]').getAttribute('href')).toBe('/acme/orbit/feed.atom');
  const atom = await page.request.get((await feed.getAttribute('href'))!);
  expect(atom.headers()['content-type']).toContain('application/atom+xml');
  const ics = await page.request.get((await calendar.getAttribute('href'))!);
  expect(await ics.text()).toContain('BEGIN:VCALENDAR');
});

test('compare keeps tags as written and shows each version\'s CHANGELOG section', async ({ page }) => {
  const project = test.info().project.name;
  await page.goto('/acme/orbit/compare/v3.1.0...v3.1.1');
  const compared = page.getByRole('article', { name: 'v3.1.1' });
  const heading = compared.getByRole('heading', { level: 2 });
  expect(await heading.evaluate((e) => getComputedStyle(e).textTransform)).toBe('none');
  expect(await heading.getByRole('link').innerText()).toBe('v3.1.1');
  await expect(compared.getByRole('heading', { name: 'From CHANGELOG.md' })).toBeVisible();
  await expect(compared).toContainText('double-books');
  await page.screenshot({ path: `test-results/compare-changelog-${project}.png`, fullPage: true });
});

test('an incident page names each of its sections once', async ({ page }) => {
  for (const id of [1, 2]) {
    await page.goto(`/acme/orbit/incidents/${id}`);
    const headings = await page.getByRole('heading', { level: 2 }).allInnerTexts();
    expect(headings.length).toBeGreaterThan(2);
    expect(new Set(headings).size, headings.join(' | ')).toBe(headings.length);
  }
});
