import { test, expect } from '@playwright/test';

// Words from inside the code never reach the page: a person reads what a thing means.
const insiders = /\(rule \d\)|\bsettled\b|\bends in\b|rollback rule|differences between GitHub and the versions/i;
const pages = [
  '/acme/orbit',
  '/acme/orbit/support',
  '/acme/orbit/v/v2.3.1',
  '/acme/orbit/v/v3.2.0-rc.1',
  '/acme/orbit/checklists',
  '/acme/orbit/incidents/1',
  '/acme/orbit/tokens',
  '/acme/orbit/settings',
];

test('pages speak a reader’s and a maintainer’s words', async ({ page }) => {
  await page.goto('/auth/login?next=/acme/orbit');
  await expect(page.locator('.account')).toContainText('Signed in as');
  for (const path of pages) {
    await page.goto(path);
    const text = await page.locator('main').innerText();
    expect(text.match(insiders)?.[0] ?? null, path).toBeNull();
  }
});
