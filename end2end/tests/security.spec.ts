import { test, expect, type Page } from '@playwright/test';
import { hydrated } from './pages';

// A note that closes its box and plants a redirect and a button that would withdraw a version.
const planted =
  '</textarea></title><meta http-equiv="refresh" content="0;url=https://evil.example">' +
  '<form action="/sfn/withdraw" method="post"><button id="planted">Click</button></form><textarea>';

// Each project writes into an item of its own, since both share one server.
const items = {
  'no-javascript': 'Documentation nearly complete',
  hydrated: 'Breaking changes documented',
} as const;

function row(page: Page, text: string) {
  return page.locator('li.item', { has: page.locator('.item-text', { hasText: new RegExp(`^${text}$`) }) });
}

test('a note that closes its textarea stays text, with JavaScript on and off', async ({ page, javaScriptEnabled }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const item = items[test.info().project.name as keyof typeof items];
  await page.goto('/auth/login?next=/acme/orbit/v/v3.2.0-rc.1');
  if (javaScriptEnabled) await hydrated(page);

  const target = row(page, item);
  await target.getByText('Skip or note').click();
  await target.getByLabel('Change to').selectOption('done');
  await target.getByLabel('Note or evidence link').fill(planted);
  await target.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('button', { name: `Reopen: ${item}` })).toBeVisible();

  // A fresh load, as the maintainer would open the page next time.
  await page.goto('/acme/orbit/v/v3.2.0-rc.1');
  if (javaScriptEnabled) await hydrated(page);
  await expect(page).toHaveURL(/\/acme\/orbit\/v\/v3\.2\.0-rc\.1$/);
  await expect(page.locator('meta[http-equiv]')).toHaveCount(0);
  await expect(page.locator('#planted')).toHaveCount(0);
  await expect(page.locator('title')).toHaveCount(1);
  await expect(row(page, item).getByLabel('Note or evidence link')).toHaveValue(planted);
  // The note is shown as text beside the item, too.
  await expect(row(page, item)).toContainText('<meta http-equiv="refresh"');
  expect(errors).toEqual([]);
});
