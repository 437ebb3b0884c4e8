import { test, expect } from '@playwright/test';
import { hydrated } from './pages';

test('the support page shows each line, its phase and dates', async ({ page }) => {
  await page.goto('/acme/orbit/support');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Support for orbit');
  await expect(page.getByRole('img', { name: /Support timeline/ })).toBeVisible();
  const lines = page.getByRole('table').getByRole('rowheader');
  await expect(lines).toHaveText(['3.x', '2.x', '1.x']);
  await expect(page.getByRole('table')).toContainText('Full support');
  await expect(page.getByRole('table')).toContainText('Security fixes');
  await expect(page.getByRole('table')).toContainText('End of life');
  await page.screenshot({ path: `test-results/support-${test.info().project.name}.png`, fullPage: true });
});

test('checking a version works through the form', async ({ page, javaScriptEnabled }) => {
  test.skip(javaScriptEnabled, 'the form submission is what no-JavaScript users get');
  await page.goto('/acme/orbit/support');
  await page.getByLabel('Version or tag').fill('v1.3.0');
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page).toHaveURL(/version=v1\.3\.0/);
  await expect(page.getByTestId('verdict')).toContainText('has reached its end of life');
});

test('hydrated, the check answers as you type', async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, 'needs JavaScript');
  await page.goto('/acme/orbit/support');
  await hydrated(page);
  const url = page.url();
  const input = page.getByLabel('Version or tag');
  await input.pressSequentially('v2.3.1');
  await expect(page.getByTestId('verdict')).toContainText('gets security fixes only');
  await expect(page.getByTestId('verdict')).toContainText('Upgrade to 2.3.2');
  await expect(input).toBeFocused();
  expect(page.url()).toBe(url);
  await input.fill('v3.1.1');
  await expect(page.getByTestId('verdict')).toContainText('is fully supported');
  await input.fill('nonsense');
  await expect(page.getByRole('alert')).toHaveText('“nonsense” is not a version number. Versions look like 2.3.1 or v3.2.0-rc.1.');
  await page.screenshot({ path: 'test-results/support-typing.png', fullPage: true });
});

test('the check waits for a whole version: partial input gets a hint, no request and no error', async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, 'needs JavaScript');
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  const asked: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/sfn/check_support')) asked.push(request.url());
  });
  await page.goto('/acme/orbit/support');
  await hydrated(page);
  const input = page.getByLabel('Version or tag');
  // "2", "2.", "2.3" and "2.3." are each the start of a version.
  await input.pressSequentially('2.3.');
  await expect(page.locator('.check .hint')).toContainText('Keep typing');
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(asked).toEqual([]);
  await input.pressSequentially('1');
  await expect(page.getByTestId('verdict')).toContainText('gets security fixes only');
  expect(asked).toHaveLength(1);
  await input.fill('3.2.0-');
  await expect(page.locator('.check .hint')).toContainText('Keep typing');
  expect(asked).toHaveLength(1);
  expect(errors).toEqual([]);
});

test('without JavaScript, a partial version is answered with a hint, not an error', async ({ page, javaScriptEnabled }) => {
  test.skip(javaScriptEnabled, 'the form submission is what no-JavaScript users get');
  await page.goto('/acme/orbit/support?version=2.3');
  await expect(page.locator('.check .hint')).toContainText('Keep typing');
  await page.goto('/acme/orbit/support?version=2.x');
  await expect(page.getByRole('alert')).toHaveText('“2.x” is not a version number. Versions look like 2.3.1 or v3.2.0-rc.1.');
});

test('a visit that only reads fetches the app after the page but runs it on the first intent', async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, 'needs JavaScript');
  const wasm = page.waitForResponse((response) => response.url().endsWith('/pkg/releasedesk.wasm'));
  await page.goto('/acme/orbit/support');
  expect((await wasm).ok()).toBe(true);
  await expect(page.getByRole('table')).toContainText('Full support');
  await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
  // Tabbing in is intent too: the check then answers as you type.
  await page.keyboard.press('Tab');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 15_000 });
  await page.getByLabel('Version or tag').pressSequentially('v3.1.1');
  await expect(page.getByTestId('verdict')).toContainText('is fully supported');
});

test('when the app fails to download, the page keeps working and the next intent tries again', async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, 'needs JavaScript');
  let attempts = 0;
  await page.route('**/pkg/releasedesk.wasm', async (route) => {
    attempts += 1;
    if (attempts === 1) await route.abort('connectionreset');
    else await route.continue();
  });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/acme/orbit/support');
  await expect.poll(() => attempts).toBe(1);
  await page.mouse.move(10, 10);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 15_000 });
  expect(attempts).toBe(2);
  expect(errors).toEqual([]);
});
