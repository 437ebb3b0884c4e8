import { test, expect, type Page } from '@playwright/test';

// No page scrolls sideways on a small phone (360 px), for readers and for maintainers.
const width = 360;
const readerPages = [
  '/',
  '/api/docs',
  '/acme/orbit',
  '/acme/orbit/support',
  '/acme/orbit/support?version=v2.3.1',
  '/acme/orbit/v/v2.3.1',
  '/acme/orbit/v/v2.3.2',
  '/acme/orbit/v/v3.2.0-rc.1',
  '/acme/orbit/compare/v2.2.0...v2.3.2',
  '/acme/orbit/checklists',
  '/acme/orbit/incidents',
  '/acme/orbit/incidents/1',
  '/acme/orbit/v/v1.3.1',
  '/acme/orbit/compare/v3.1.0...v3.1.1',
  '/auth/callback?code=x&state=y',
];
const maintainerPages = [
  '/acme/orbit',
  '/acme/orbit/v/v3.2.0-rc.1',
  '/acme/orbit/v/v3.1.1',
  '/acme/orbit/checklists',
  '/acme/orbit/checklists/templates/stable',
  '/acme/orbit/incidents',
  '/acme/orbit/incidents/2',
  '/acme/orbit/tokens',
  '/acme/orbit/settings',
];

/** How far the page reaches past the screen's right edge, and the widest elements that do it. */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate((screen) => {
    const wide = document.documentElement.scrollWidth;
    if (wide <= screen) return [];
    const culprits = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > screen + 1)
      .filter((e) => !e.closest('.visually-hidden'))
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} → ${Math.round(e.getBoundingClientRect().right)} px`);
    return [`page is ${wide} px wide`, ...culprits];
  }, width);
}

async function check(page: Page, paths: string[], who: string) {
  const problems: string[] = [];
  for (const path of paths) {
    await page.goto(path);
    for (const problem of await overflow(page)) problems.push(`${path}: ${problem}`);
    const name = `${who}${path.replace(/[^a-z0-9.]+/gi, '-')}`;
    await page.screenshot({ path: `test-results/phone-${name}-${test.info().project.name}.png`, fullPage: true });
  }
  expect(problems).toEqual([]);
}

test.use({ viewport: { width, height: 740 } });

test('no page scrolls sideways at 360 px (reader)', async ({ page }) => {
  await check(page, readerPages, 'reader');
});

test('no page scrolls sideways at 360 px (maintainer)', async ({ page }) => {
  await page.goto('/auth/login?next=/acme/orbit');
  await expect(page.locator('.account')).toContainText('Signed in as');
  await check(page, maintainerPages, 'maintainer');
});
