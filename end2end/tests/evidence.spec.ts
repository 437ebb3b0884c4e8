import { test, expect, type Page } from '@playwright/test';
import { hydrated } from './pages';

function item(page: Page, text: string) {
  return page.locator('li.item', { has: page.locator('.item-text', { hasText: new RegExp(`^${text}$`) }) });
}

function source(page: Page, label: string) {
  return page.locator('.evidence-sources tr', { has: page.getByRole('rowheader', { name: label }) });
}

test('a version page shows what GitHub said and the items it verified', async ({ page, javaScriptEnabled }) => {
  const project = test.info().project.name;
  await page.goto('/acme/orbit/v/v2.3.2');
  if (javaScriptEnabled) await hydrated(page);
  const panel = page.locator('section.evidence-panel');
  await expect(panel.getByRole('heading', { name: 'Evidence from GitHub', level: 2 })).toBeVisible();
  await expect(panel).toContainText('Sigstore signatures are not verified here');

  const checks = source(page, 'Check runs');
  await expect(checks).toContainText('pass');
  await expect(checks).toContainText('6 checks passed');
  await expect(checks.getByRole('link', { name: 'Check runs' })).toHaveAttribute('href', /github\.com\/acme\/orbit\/commit\//);
  // The findings unfold without JavaScript: they are a <details>.
  await checks.getByText('6 findings').click();
  await expect(checks.getByRole('link', { name: 'e2e (firefox)' })).toBeVisible();
  await expect(source(page, 'Code scanning')).toContainText('1 of lower severity');
  await expect(source(page, 'Attestations')).toContainText('pass');

  // Verified items say so, apart from a person's ticks.
  const tag = item(page, 'Tag created and pushed');
  await expect(tag.locator('.verified-badge')).toContainText('Verified');
  await expect(tag).toContainText('by Git tag, read');
  await expect(item(page, 'GitHub Actions completed')).toContainText('by Workflow runs, read');
  await expect(page.locator('.verified-split')).toContainText(/\d+ verified by GitHub evidence · \d+ ticked by people/);
  await expect(item(page, 'Release notes reviewed').locator('.verified-badge')).toHaveCount(0);
  await panel.screenshot({ path: `test-results/evidence-panel-${project}.png` });
  await page.locator('.checklist-section').first().screenshot({ path: `test-results/verified-items-${project}.png` });
});

test('a re-run keeps the failed reading beside it, and its items wait on CI', async ({ page, javaScriptEnabled }) => {
  const project = test.info().project.name;
  await page.goto('/acme/orbit/v/v3.2.0-rc.1');
  if (javaScriptEnabled) await hydrated(page);
  const checks = source(page, 'Check runs');
  await expect(checks).toContainText('pending');
  await expect(checks).toContainText('1 of 6 checks not finished: e2e (firefox)');
  await page.getByText('Earlier readings that said otherwise (1)').click();
  await expect(page.locator('.earlier-readings')).toContainText('1 of 6 checks failed: e2e (firefox)');
  await expect(item(page, 'All tests passing')).toContainText('Waiting on CI:');
  await page.locator('section.evidence-panel').screenshot({ path: `test-results/evidence-rerun-${project}.png` });

  await page.goto('/acme/orbit/checklists');
  if (javaScriptEnabled) await hydrated(page);
  const filters = page.getByRole('navigation', { name: 'Which open items' });
  await expect(filters.getByRole('link', { name: 'All open items' })).toHaveAttribute('aria-current', 'page');
  await filters.getByRole('link', { name: 'Waiting only on CI' }).click();
  await expect(page).toHaveURL(/\/acme\/orbit\/checklists\?only=ci$/);
  await expect(filters.getByRole('link', { name: 'Waiting only on CI' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByText(/wait only on CI/)).toBeVisible();
  const rows = page.locator('tbody tr');
  await expect(rows.first()).toContainText('waiting on CI');
  await expect(page.locator('tbody')).toContainText('All tests passing');
  await expect(page.locator('tbody')).not.toContainText('Announce the release candidate');
  await page.screenshot({ path: `test-results/waiting-on-ci-${project}.png`, fullPage: true });
});
