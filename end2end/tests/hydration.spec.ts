import { test, expect, type Page } from '@playwright/test';
import { hydrated } from './pages';

// One address of every page kind; versions with and without a checklist, open and resolved incidents.
const pageKinds = [
  '/',
  '/api/docs',
  '/acme/orbit',
  '/acme/orbit?channel=rc',
  '/acme/orbit/support',
  '/acme/orbit/support?version=v2.3.1',
  '/acme/orbit/v/v3.1.1',
  '/acme/orbit/v/v2.3.1',
  '/acme/orbit/v/v2.3.2',
  '/acme/orbit/v/v3.2.0-rc.1',
  '/acme/orbit/compare/v2.2.0...v2.3.2',
  '/acme/orbit/checklists',
  '/acme/orbit/checklists/templates/stable',
  '/acme/orbit/incidents',
  '/acme/orbit/incidents/1',
  '/acme/orbit/tokens',
  '/acme/orbit/settings',
];
// Words from inside the code that must never reach a page: a person reads what a thing means.
const insiders = /\(rule \d\)|\bsettled\b|\bends in\b|rollback rule|differences between GitHub and the versions/i;
// A crash showed on some loads only (the server's render order varied), so each page loads thrice.
const loads = 3;

/**
 * Loads `path` `loads` times, hydrating each time, and returns every page error, console error,
 * insider's word and failed request after the page itself (which answers 401 to a reader on maintainers' pages).
 */
async function problems(page: Page, path: string): Promise<string[]> {
  const seen: string[] = [];
  page.on('pageerror', (error) => seen.push(`${path}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      seen.push(`${path}: console: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && response.request().resourceType() !== 'document') {
      seen.push(`${path}: ${response.status()} from ${response.url()}`);
    }
  });
  for (let i = 0; i < loads; i++) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBeLessThan(500);
    await hydrated(page);
  }
  const words = (await page.locator('main').innerText()).match(insiders);
  if (words) seen.push(`${path}: says “${words[0]}”`);
  page.removeAllListeners('pageerror');
  page.removeAllListeners('console');
  page.removeAllListeners('response');
  return seen;
}

for (const signedIn of [false, true]) {
  test(`every page kind hydrates without an error (${signedIn ? 'signed in' : 'anonymous'})`, async ({ page }) => {
    test.skip(test.info().project.name === 'no-javascript', 'hydration needs JavaScript');
    test.setTimeout(180_000);
    if (signedIn) {
      await page.goto('/auth/login?next=/acme/orbit');
      await expect(page.locator('.account')).toContainText('Signed in as');
    }
    const seen: string[] = [];
    for (const path of pageKinds) seen.push(...(await problems(page, path)));
    expect(seen).toEqual([]);
  });
}
