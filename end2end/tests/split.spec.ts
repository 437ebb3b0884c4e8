import { test, expect } from '@playwright/test';
import { HistoryPage, hydrated } from './pages';

// The maintainers' pages are one WebAssembly module of their own (app/src/pages/mod.rs, routes).
const maintainersModule = /\/pkg\/split_maintainers_pages_[0-9]+\.wasm$/;

test.beforeEach(() => {
  test.skip(test.info().project.name !== 'hydrated', 'the split is of the app that hydrates');
});

test("a reader's pages work without ever fetching the maintainers' module", async ({ page }) => {
  const fetched: string[] = [];
  page.on('request', (request) => fetched.push(request.url()));
  const history = new HistoryPage(page);
  await history.open();
  await hydrated(page);
  await history.search.pressSequentially('beta');
  await expect(history.versions).toHaveCount(5);

  await page.getByRole('link', { name: 'Support windows and version check' }).click();
  await page.getByLabel('Version or tag').pressSequentially('v2.3.1');
  await expect(page.getByTestId('verdict')).toContainText('gets security fixes only');

  expect(fetched.filter((url) => url.includes('/pkg/')).length).toBeGreaterThan(0);
  expect(fetched.filter((url) => maintainersModule.test(url))).toEqual([]);
});

test("a page's own modules are fetched with the app once the page has loaded; hydration finds them cached", async ({ page }) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const fetched: string[] = [];
  const afterIntent = new Map<string, string>();
  const cached = new Set<string>();
  let intended = false;
  cdp.on('Network.requestWillBeSent', ({ requestId, request }) => {
    fetched.push(request.url);
    if (intended && request.url.endsWith('.wasm')) afterIntent.set(requestId, request.url);
  });
  cdp.on('Network.requestServedFromCache', ({ requestId }) => cached.add(requestId));
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    if (response.fromDiskCache || response.fromPrefetchCache) cached.add(requestId);
  });

  await page.goto('/acme/orbit');
  await page.waitForLoadState('networkidle');
  await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
  expect(fetched.some((url) => /\/pkg\/split_history_pages_[0-9]+\.wasm$/.test(url))).toBe(true);
  expect(fetched.filter((url) => maintainersModule.test(url))).toEqual([]);

  intended = true;
  await hydrated(page);
  expect(afterIntent.size).toBeGreaterThan(0);
  expect([...afterIntent].filter(([id]) => !cached.has(id)).map(([, url]) => url)).toEqual([]);
});

test("a maintainer goes from a reader's page to a maintainer's page in the same tab, and it works", async ({ page }) => {
  const fetched: string[] = [];
  page.on('request', (request) => fetched.push(request.url()));
  await page.goto('/auth/login?next=/acme/orbit');
  await hydrated(page);
  expect(fetched.filter((url) => maintainersModule.test(url))).toEqual([]);
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

  // The router shows the page in place once its module has loaded.
  await page.getByRole('navigation', { name: 'Maintainer tools' }).getByRole('link', { name: 'Checklist templates' }).click();
  await expect(page.getByRole('heading', { name: 'Open checklist items', level: 1 })).toBeVisible();
  expect(fetched.filter((url) => maintainersModule.test(url))).toHaveLength(1);

  // Its own links answer in place too.
  const which = page.getByRole('navigation', { name: 'Which open items' });
  await which.getByRole('link', { name: 'Waiting only on CI' }).click();
  await expect(page).toHaveURL(/\/acme\/orbit\/checklists\?only=ci$/);
  await expect(which.getByRole('link', { name: 'Waiting only on CI' })).toHaveAttribute('aria-current', 'page');
  await page.goBack();
  await expect(page).toHaveURL(/\/acme\/orbit\/checklists#templates-title$/);
  await expect(which.getByRole('link', { name: 'All open items' })).toHaveAttribute('aria-current', 'page');
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  await page.screenshot({ path: 'test-results/split-maintainer-page.png', fullPage: true });
});

test("a visit that starts on a maintainer's page hydrates once the module has loaded", async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/auth/login?next=/acme/orbit/checklists');
  await hydrated(page);
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  await page.getByRole('navigation', { name: 'Which open items' }).getByRole('link', { name: 'Waiting only on CI' }).click();
  await expect(page).toHaveURL(/only=ci$/);
  // Back to a reader's page, in place.
  await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: 'acme/orbit' }).click();
  await expect(page.getByRole('searchbox', { name: 'Search versions' })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  expect(errors).toEqual([]);
});
