import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

// Every page, in light and dark, against WCAG 2.1 A and AA as axe-core checks them.
const pages = ['/', '/acme/orbit', '/acme/orbit?channel=rc', '/acme/unknown', '/acme/orbit/support', '/acme/orbit/support?version=v2.3.1', '/acme/orbit/v/v2.3.1', '/acme/orbit/compare/v2.2.0...v2.3.2', '/acme/orbit?q=rc.2', '/api/docs', '/acme/orbit/v/v2.3.2', '/acme/orbit/checklists', '/acme/orbit/checklists?only=ci', '/acme/orbit/incidents', '/acme/orbit/incidents/1', '/acme/orbit/v/v3.2.0-rc.1', '/acme/orbit/v/v1.3.1', '/acme/orbit/compare/v3.1.0...v3.1.1', '/auth/callback?code=x&state=y', '/acme/orbit/plans', '/acme/orbit/plans/3.5.0', '/acme/orbit/trains/3.0.0', '/acme/orbit/trains/3.2.0', '/acme/orbit/subscribe'];
// Pages that need a maintainer: checked after signing in through the fake GitHub.
const maintainerPages = ['/acme/orbit', '/acme/orbit/tokens', '/acme/orbit/settings', '/acme/orbit/v/v3.2.0-rc.1', '/acme/orbit/checklists', '/acme/orbit/checklists/templates/stable', '/acme/orbit/incidents', '/acme/orbit/incidents/2', '/acme/orbit/v/v3.1.1', '/acme/orbit/plans', '/acme/orbit/plans/3.5.0', '/acme/orbit/plans?suggest=stable', '/acme/orbit/hooks'];

async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}

for (const colorScheme of ['light', 'dark'] as const) {
  for (const path of pages) {
    test(`${path} has no accessibility violations (${colorScheme})`, async ({ page }) => {
      // axe runs as a script inside the page; the server-rendered DOM is the same either way.
      test.skip(test.info().project.name === 'no-javascript', 'axe needs JavaScript');
      await page.emulateMedia({ colorScheme });
      await page.goto(path);
      expect(await violations(page)).toEqual([]);
    });
  }

  test(`signed-in pages have no accessibility violations (${colorScheme})`, async ({ page }) => {
    test.skip(test.info().project.name === 'no-javascript', 'axe needs JavaScript');
    await page.emulateMedia({ colorScheme });
    await page.goto('/auth/login?next=/acme/orbit');
    await expect(page.locator('.account')).toContainText('Signed in as');
    for (const path of maintainerPages) {
      await page.goto(path);
      expect(await violations(page), path).toEqual([]);
      await page.screenshot({ path: `test-results/signed-in${path.replaceAll('/', '-')}-${colorScheme}.png`, fullPage: true });
    }
  });
}
