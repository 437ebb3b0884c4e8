import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

// Every page, in light and dark, against WCAG 2.1 A and AA as axe-core checks them.
const pages = ['/', '/acme/orbit', '/acme/orbit?channel=rc', '/acme/unknown'];

for (const colorScheme of ['light', 'dark'] as const) {
  for (const path of pages) {
    test(`${path} has no accessibility violations (${colorScheme})`, async ({ page }) => {
      // axe runs as a script inside the page; the server-rendered DOM is the same either way.
      test.skip(test.info().project.name === 'no-javascript', 'axe needs JavaScript');
      await page.emulateMedia({ colorScheme });
      await page.goto(path);
      const results = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
        .analyze();
      const summary = results.violations.map(
        (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
      );
      expect(summary).toEqual([]);
    });
  }
}
