import { test, expect, type Page } from '@playwright/test';
import { hydrated } from './pages';

// The demo's release candidate has a checklist part-way through. Each project works on items
// of its own, since both share one server.
const items = {
  'no-javascript': { tick: 'Decide: promote to stable, or cut the next release candidate', skip: 'Images pull successfully' },
  hydrated: { tick: 'Signatures verified', skip: 'SBOM available' },
} as const;

function row(page: Page, text: string) {
  return page.locator('li.item', { has: page.locator('.item-text', { hasText: new RegExp(`^${text}$`) }) });
}

test('a maintainer ticks, skips with a reason and unticks items; the audit log shows each change', async ({ page, javaScriptEnabled }) => {
  const project = test.info().project.name as keyof typeof items;
  const { tick, skip } = items[project];
  const ready = async () => {
    if (javaScriptEnabled) await hydrated(page);
  };
  await page.goto('/auth/login?next=/acme/orbit/v/v3.2.0-rc.1');
  await expect(page.getByRole('heading', { name: 'Checklist', level: 2 })).toBeVisible();
  await ready();
  const log = page.locator('.audit-log');

  // One click ticks.
  await page.getByRole('button', { name: `Mark done: ${tick}` }).click();
  await expect(page.getByRole('button', { name: `Reopen: ${tick}` })).toBeVisible();
  await expect(row(page, tick)).toContainText('Done by mona');
  await expect(log.locator('li').first()).toContainText(`mona marked “${tick}” done`);
  await ready();

  // Skipping needs a reason: without one nothing changes and the page says why.
  const skipped = row(page, skip);
  await skipped.getByText('Skip or note').click();
  await skipped.getByLabel('Change to').selectOption('skipped');
  await skipped.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('.checklist').getByRole('alert')).toContainText('say why the item is skipped');
  await expect(page.getByRole('button', { name: `Mark done: ${skip}` })).toBeVisible();
  await ready();

  const reason = `checked by hand on staging (${project})`;
  const again = row(page, skip);
  // After a refusal the details may still be open (hydrated) or closed (a new page).
  const open = await again.locator('details').evaluate((details) => (details as HTMLDetailsElement).open);
  if (!open) await again.getByText('Skip or note').click();
  await again.getByLabel('Change to').selectOption('skipped');
  await again.getByLabel('Note or evidence link').fill(reason);
  await again.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('button', { name: `Reopen: ${skip}` })).toBeVisible();
  await expect(row(page, skip)).toContainText(reason);
  await expect(log.locator('li').first()).toContainText(`mona marked “${skip}” skipped — ${reason}`);
  await ready();

  // Unticking reopens.
  await page.getByRole('button', { name: `Reopen: ${tick}` }).click();
  await expect(page.getByRole('button', { name: `Mark done: ${tick}` })).toBeVisible();
  await expect(log.locator('li').first()).toContainText(`mona marked “${tick}” open`);
  await expect(log.locator('li', { hasText: `“${tick}” done` })).toHaveCount(1);
  await page.locator('.checklist').screenshot({ path: `test-results/checklist-${project}.png` });

  // A reload shows the same: every change was saved.
  await page.reload();
  await expect(page.getByRole('button', { name: `Reopen: ${skip}` })).toBeVisible();
  await expect(page.getByRole('button', { name: `Mark done: ${tick}` })).toBeVisible();
});

test('everyone sees checklists, and the open items page puts overdue ones first', async ({ page }) => {
  const project = test.info().project.name;
  await page.goto('/acme/orbit/v/v2.3.2');
  await expect(page.getByText('Hotfix template, revision 1')).toBeVisible();
  await expect(page.getByRole('button', { name: /Mark done/ })).toHaveCount(0);
  await expect(page.getByRole('progressbar', { name: 'Whole checklist' })).toHaveAttribute('aria-valuenow', /\d+/);

  await page.goto('/acme/orbit');
  await page.getByRole('link', { name: 'Open checklist items' }).click();
  await expect(page.getByRole('heading', { name: 'Open checklist items', level: 1 })).toBeVisible();
  const rows = page.locator('tbody tr');
  await expect(rows.first()).toHaveClass(/overdue/);
  await expect(rows.first()).toContainText('overdue by');
  await page.screenshot({ path: `test-results/open-items-${project}.png`, fullPage: true });
  await rows.first().getByRole('link').click();
  await expect(page).toHaveURL(/\/v\/v[^#]+#item-\d+$/);
});

test('an item done against its evidence is flagged, and a checklist started late is not overdue at once', async ({ page, javaScriptEnabled }) => {
  // The demo's release candidate has “CHANGELOG.md updated” done, yet no section for it.
  await page.goto('/acme/orbit/v/v3.2.0-rc.1');
  await expect(row(page, 'CHANGELOG.md updated')).toContainText('Marked done, but GitHub shows otherwise');
  await expect(page.getByText('Marked done, but GitHub shows otherwise')).toHaveCount(1);

  // Each project starts an old version's checklist of its own.
  const version = javaScriptEnabled ? 'v3.1.0' : 'v3.0.0';
  await page.goto(`/auth/login?next=/acme/orbit/v/${version}`);
  if (javaScriptEnabled) await hydrated(page);
  await page.getByRole('button', { name: /Start a checklist/ }).click();
  await expect(page.getByRole('progressbar', { name: 'Whole checklist' })).toBeVisible();
  await expect(page.locator('.checklist')).not.toContainText('overdue by');
  await expect(page.locator('.checklist .due').first()).toContainText(/due in/);
});
