import { test, expect, type Page } from '@playwright/test';
import { hydrated } from './pages';

// A change on a long checklist keeps the person's place, on a phone and on a desktop, with
// JavaScript on and off. The demo's release candidate has open post-release items at its end;
// each project and screen ticks items of its own, since all share one server (a refused skip
// changes nothing).
const screens = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const;
const items = {
  'no-javascript': {
    phone: { tick: 'Deployed to staging', skip: 'Tag created and pushed' },
    desktop: { tick: 'Smoke tests in staging', skip: 'Security scan clean' },
  },
  hydrated: {
    phone: { tick: 'Feedback collected', skip: 'SBOM generation verified' },
    desktop: { tick: 'Announce the release candidate to testers', skip: 'Tag created and pushed' },
  },
} as const;

function row(page: Page, text: string) {
  return page.locator('li.item', { has: page.locator('.item-text', { hasText: new RegExp(`^${text}$`) }) });
}

// One sign-in for both screens: the server allows 30 sign-ins a minute from one address.
test('a tick and a refused skip keep the place on the page, on a phone and a desktop', async ({ page, javaScriptEnabled }) => {
  const project = test.info().project.name as keyof typeof items;
  await page.goto('/auth/login?next=/acme/orbit/v/v3.2.0-rc.1');
  await expect(page.locator('.account')).toContainText('Signed in as');
  for (const [screen, viewport] of Object.entries(screens) as [keyof typeof screens, (typeof screens)[keyof typeof screens]][]) {
    const { tick, skip } = items[project][screen];
    await page.setViewportSize(viewport);
    await page.goto('/acme/orbit/v/v3.2.0-rc.1');
    if (javaScriptEnabled) await hydrated(page);

    // Far down the page: the tick comes back to the same item, in view.
    const ticked = row(page, tick);
    await ticked.scrollIntoViewIfNeeded();
    await page.getByRole('button', { name: `Mark done: ${tick}` }).click();
    await expect(page.getByRole('button', { name: `Reopen: ${tick}` })).toBeVisible();
    await expect(row(page, tick)).toBeInViewport();
    if (!javaScriptEnabled) await expect(page).toHaveURL(new RegExp(`#item-\\d+$`));
    expect(page.url()).not.toContain('__err');
    if (javaScriptEnabled) await hydrated(page);

    // A skip without a reason: the message is at the item, names it, and has the focus.
    const skipped = row(page, skip);
    await skipped.getByText('Skip or note').click();
    await skipped.getByLabel('Change to').selectOption('skipped');
    await skipped.getByRole('button', { name: 'Save' }).click();
    const message = row(page, skip).getByRole('alert');
    await expect(message).toHaveText(`“${skip}” was not changed: say why the item is skipped`);
    await expect(message).toBeInViewport();
    await expect(message).toBeFocused();
    await expect(row(page, skip).getByLabel('Note or evidence link')).toHaveAttribute('aria-invalid', 'true');
    expect(page.url()).not.toContain('__err');
    await page.screenshot({ path: `test-results/refused-skip-${project}-${screen}.png` });

    // Only that item says so.
    await expect(page.locator('.checklist [role=alert]')).toHaveCount(1);
  }
});
