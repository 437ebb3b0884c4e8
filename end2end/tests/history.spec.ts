import { test, expect } from '@playwright/test';
import { HistoryPage, hydrated } from './pages';

test('the home page lists the demo repository', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle(/Repositories/);
  await page.getByRole('link', { name: 'acme/orbit' }).click();
  await expect(page).toHaveURL(/\/acme\/orbit$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('acme/orbit');
  await page.screenshot({ path: `test-results/home-then-history-${test.info().project.name}.png`, fullPage: true });
});

test('the history renders newest first by SemVer precedence', async ({ page }) => {
  const history = new HistoryPage(page);
  await history.open();
  await expect(history.versions).toHaveCount(38);
  await expect(history.versions.first()).toContainText('v3.2.0-rc.1');
  await expect(history.versions.nth(2)).toContainText('v3.1.1');
  await expect(history.versions.last()).toContainText('v1.0.0-alpha.1');
  // Dates read relatively, with the exact date one hover away.
  const firstDate = page.locator('.version-row time').first();
  await expect(firstDate).toHaveAttribute('title', /\d{4}, \d\d:\d\d UTC$/);
  await page.screenshot({ path: `test-results/history-${test.info().project.name}.png`, fullPage: true });
});

test('the channel filter narrows the list through the query string', async ({ page }) => {
  test.skip(test.info().project.name !== 'no-javascript', 'the hydrated variant is below');
  const history = new HistoryPage(page);
  await history.open();
  await history.channel(/^Beta/).click();
  await expect(page).toHaveURL(/\?channel=beta$/);
  await expect(history.versions).toHaveCount(5);
  await expect(history.channel(/^Beta/)).toHaveAttribute('aria-current', 'page');
  await page.screenshot({ path: 'test-results/history-beta-no-javascript.png', fullPage: true });
});

test('hydrated, the channel filter narrows the list without a page load', async ({ page }) => {
  test.skip(test.info().project.name !== 'hydrated', 'needs JavaScript');
  const history = new HistoryPage(page);
  await history.open();
  await hydrated(page);
  // A full page load would wipe this marker from the window.
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

  await history.channel(/^Release candidate/).click();
  await expect(page).toHaveURL(/\?channel=rc$/);
  await expect(history.versions).toHaveCount(7);
  await expect(history.versions.first()).toContainText('v3.2.0-rc.1');
  await expect(history.channel(/^Release candidate/)).toHaveAttribute('aria-current', 'page');

  await history.channel(/^All/).click();
  await expect(history.versions).toHaveCount(38);
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  await page.screenshot({ path: 'test-results/history-hydrated-all.png', fullPage: true });
});

test('lines are sections, and pre-releases unfold under their release', async ({ page, javaScriptEnabled }) => {
  const history = new HistoryPage(page);
  await history.open();
  if (javaScriptEnabled) await hydrated(page);
  await expect(page.getByRole('heading', { level: 2, name: /^\d\.x/ })).toHaveText([/^3\.x Full support/, /^2\.x Security fixes/, /^1\.x End of life/]);
  const line = page.getByRole('region', { name: '3.x' });
  // 3.2.0 is not out yet: its pre-releases show. v3.1.0's candidate is folded under it.
  await expect(line.getByRole('link', { name: 'v3.2.0-rc.1' })).toBeVisible();
  const candidate = line.getByRole('link', { name: 'v3.1.0-rc.1' });
  await expect(candidate).toBeHidden();
  await line.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'v3.1.0', exact: true }) })
    .getByText('1 pre-release').click();
  await expect(candidate).toBeVisible();
  await page.screenshot({ path: `test-results/history-unfolded-${test.info().project.name}.png`, fullPage: true });
});

test('search works as a form without JavaScript', async ({ page }) => {
  test.skip(test.info().project.name !== 'no-javascript', 'the hydrated variant is below');
  const history = new HistoryPage(page);
  await history.open();
  await history.search.fill('rc.2');
  await history.search.press('Enter');
  await expect(page).toHaveURL(/\?q=rc\.2$/);
  await expect(history.versions).toHaveText(['v3.0.0-rc.2', 'v2.0.0-rc.2']);
  await expect(page.getByText('2 versions match “rc.2”.')).toBeVisible();
  await expect(history.search).toHaveValue('rc.2');
  // The channel filter keeps the search.
  await history.channel(/^Release candidate/).click();
  await expect(page).toHaveURL(/\?q=rc\.2&channel=rc$/);
  await expect(history.versions).toHaveCount(2);
  await page.screenshot({ path: 'test-results/history-search-no-javascript.png', fullPage: true });
});

test('hydrated, search answers as you type and keeps the focus', async ({ page }) => {
  test.skip(test.info().project.name !== 'hydrated', 'needs JavaScript');
  const history = new HistoryPage(page);
  await history.open();
  await hydrated(page);
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

  await history.search.pressSequentially('beta');
  await expect(history.versions).toHaveCount(5);
  await expect(page).toHaveURL(/\?q=beta$/);
  await expect(history.search).toBeFocused();
  await expect(history.search).toHaveValue('beta');
  await page.screenshot({ path: 'test-results/history-search-hydrated.png', fullPage: true });

  await history.search.fill('no such version');
  await expect(page.getByText('No version matches “no such version”.')).toBeVisible();
  await history.search.fill('');
  await expect(history.versions).toHaveCount(38);
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
});

test('what is typed before the app has started is kept, and answered once it runs', async ({ page }) => {
  test.skip(test.info().project.name !== 'hydrated', 'needs JavaScript');
  // Hold the WebAssembly back until the typing is done: a slow phone or network.
  let release = () => {};
  const typed = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/*.wasm', async (route) => {
    await typed;
    await route.continue();
  });
  const history = new HistoryPage(page);
  await history.open();
  await history.search.click();
  await page.keyboard.type('beta');
  release();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 15_000 });
  await expect(history.search).toHaveValue('beta');
  await expect(history.search).toBeFocused();
  await expect(history.versions).toHaveCount(5);
  await expect(page).toHaveURL(/\?q=beta$/);
});

test('an unknown repository gets a 404 page', async ({ page }) => {
  const response = await page.goto('/acme/nothing');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not found');
});

test('on a phone the history still reads well', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const history = new HistoryPage(page);
  await history.open();
  await expect(history.versions.first()).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  expect(overflow).toBe(false);
  await page.screenshot({ path: `test-results/history-phone-${test.info().project.name}.png`, fullPage: true });
});

test('dark mode follows the system', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  const history = new HistoryPage(page);
  await history.open();
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(17, 20, 24)');
  await page.screenshot({ path: `test-results/history-dark-${test.info().project.name}.png`, fullPage: true });
});

test('hydration raises no errors in the browser console', async ({ page }) => {
  test.skip(test.info().project.name !== 'hydrated', 'needs JavaScript');
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  for (const path of ['/', '/acme/orbit', '/acme/orbit?channel=alpha']) {
    await page.goto(path);
    await hydrated(page);
  }
  expect(problems).toEqual([]);
});

test('drift from GitHub unfolds on request, with or without JavaScript', async ({ page }) => {
  const history = new HistoryPage(page);
  await history.open();
  await expect(page.getByText('Not synced from GitHub yet.')).toBeVisible();
  const drift = page.getByRole('region', { name: 'Drift from GitHub' });
  const latest = drift.getByText('is not the highest stable version');
  await expect(latest).toBeHidden();
  await drift.getByText(/GitHub and this history differ in \d+ places/).click();
  await expect(latest).toBeVisible();
  await expect(drift.getByRole('listitem').filter({ hasText: 'nightly' })).toBeVisible();
  await page.screenshot({ path: `test-results/history-drift-${test.info().project.name}.png`, fullPage: true });
});

test('from the history to a version page and on to the next version', async ({ page, javaScriptEnabled }) => {
  await page.goto('/acme/orbit');
  if (javaScriptEnabled) await hydrated(page);
  await page.getByRole('link', { name: 'v2.3.1', exact: true }).click();
  await expect(page).toHaveURL(/\/acme\/orbit\/v\/v2\.3\.1$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('v2.3.1');
  await expect(page.getByText('Security fixes only, until')).toBeVisible();
  await expect(page.getByRole('article', { name: 'Release notes' })).toBeVisible();
  await page.screenshot({ path: `test-results/version-${test.info().project.name}.png`, fullPage: true });
  await page.getByRole('link', { name: /Newer: v2\.3\.2/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('v2.3.2');
  await page.getByRole('link', { name: /What changed since v2\.3\.1/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('From 2.3.1 to 2.3.2');
  await expect(page.getByRole('article', { name: 'v2.3.2' })).toBeVisible();
  await page.screenshot({ path: `test-results/compare-${test.info().project.name}.png`, fullPage: true });
});

test('the REST API page renders the OpenAPI description from this server', async ({ page, javaScriptEnabled }) => {
  const offsite: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith('http://127.0.0.1')) offsite.push(request.url());
  });
  await page.goto('/acme/orbit');
  if (javaScriptEnabled) await hydrated(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API' }).click();
  await expect(page).toHaveURL(/\/api\/docs$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Release Desk REST API');
  const versions = page.getByRole('region', { name: 'versions' });
  await expect(versions.getByText('/api/v1/repos/{owner}/{repo}/versions/{version}/withdraw').first()).toBeVisible();
  await page.getByText('VersionDetail', { exact: true }).first().click();
  await expect(page.locator('#schema-VersionDetail')).toHaveAttribute('open', '');
  expect(offsite).toEqual([]);
  await page.screenshot({ path: `test-results/api-docs-${test.info().project.name}.png`, fullPage: false });
});

/** `daysAgo` days before today (UTC), plus six calendar months, as the support policy adds
 *  them (a day past the month's end is its last day): the demo is dated from today. */
function sixMonthsAfter(daysAgo: number): string {
  const start = new Date();
  start.setUTCDate(start.getUTCDate() - daysAgo);
  const year = start.getUTCFullYear() + Math.floor((start.getUTCMonth() + 6) / 12);
  const month = (start.getUTCMonth() + 6) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(start.getUTCDate(), lastDay);
  return new Date(Date.UTC(year, month, day)).toISOString().slice(0, 10);
}

for (const [screen, viewport] of [['phone', { width: 390, height: 844 }], ['desktop', { width: 1280, height: 800 }]] as const) {
  test(`the history shows each line's state, the latest stable, incidents and progress at a glance (${screen})`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await page.goto('/acme/orbit');
    await expect(page.getByRole('heading', { name: /^2\.x/ })).toContainText(`Security fixes until ${sixMonthsAfter(120)}`);
    await expect(page.getByRole('heading', { name: /^1\.x/ })).toContainText(`End of life since ${sixMonthsAfter(640)}`);
    await expect(page.locator('.latest-flag')).toHaveCount(1);
    const row = (tag: string) => page.locator('.version-row', { has: page.getByRole('link', { name: tag, exact: true }) });
    await expect(row('v3.1.1')).toContainText('latest stable');
    await expect(row('v2.3.1')).toContainText('incident fixed in 2.3.2');
    await expect(page.locator('.glance-progress')).toHaveCount(0);
    await page.screenshot({ path: `test-results/history-glance-reader-${screen}-${test.info().project.name}.png` });

    // Maintainers' progress once, on the desktop: sign-ins from one address are limited.
    if (screen === 'phone') return;
    await page.goto('/auth/login?next=/acme/orbit');
    await expect(page.locator('.account')).toContainText('Signed in as');
    await expect(row('v3.2.0-rc.1')).toContainText(/checklist \d+\/\d+/);
    await page.screenshot({ path: `test-results/history-glance-maintainer-${screen}-${test.info().project.name}.png`, fullPage: true });
  });
}
