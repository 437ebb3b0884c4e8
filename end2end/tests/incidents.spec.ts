import { test, expect } from '@playwright/test';
import { hydrated } from './pages';

test('an incident goes draft → published → fix in progress → resolved in the browser', async ({ page, browser, javaScriptEnabled }) => {
  const project = test.info().project.name;
  const title = `Upgrades stall halfway (${project})`;
  const ready = async () => {
    if (javaScriptEnabled) await hydrated(page);
  };

  await page.goto('/auth/login?next=/acme/orbit/incidents');
  await expect(page.getByRole('heading', { name: 'Incidents', level: 1 })).toBeVisible();
  await ready();
  const form = page.getByRole('region', { name: 'Open an incident' });
  await form.getByLabel('Title').fill(title);
  await form.getByLabel('Issue: what went wrong, briefly').fill('Rolling upgrades stop after **half** the nodes.');
  await form.getByLabel('Severity').selectOption('major');
  // A range that cannot be read is named, and nothing typed is lost.
  await form.getByLabel('Affected versions').fill('>=3.0');
  await form.getByRole('button', { name: 'Save the incident' }).click();
  await expect(page.getByText('is not a bound')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Open an incident' }).getByLabel('Title')).toHaveValue(title);
  await ready();

  await page.getByRole('region', { name: 'Open an incident' }).getByLabel('Affected versions').fill('>=3.0.0, <3.0.2');
  await page.getByRole('region', { name: 'Open an incident' }).getByRole('button', { name: 'Save the incident' }).click();
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(page.getByText('draft: maintainers only')).toBeVisible();
  await expect(page).toHaveURL(/\/acme\/orbit\/incidents\/\d+$/);
  const url = page.url();
  await ready();

  // Drafts are for maintainers only.
  const anonymous = await browser.newPage({ javaScriptEnabled });
  expect((await anonymous.goto(url))?.status()).toBe(404);

  // Publishing is a button of its own, near the top, not a box inside the edit form.
  const draft = page.getByRole('region', { name: 'This notice is a draft' });
  await expect(draft).toBeInViewport();
  await page.screenshot({ path: `test-results/incident-draft-${project}.png` });
  await draft.getByRole('button', { name: 'Publish the notice' }).click();
  await expect(page.getByText('draft: maintainers only')).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'This notice is a draft' })).toHaveCount(0);
  await ready();

  const updates = page.getByRole('region', { name: 'Post an update' });
  await updates.getByLabel('Status').selectOption('fix_in_progress');
  await updates.getByLabel('Message').fill('A patch is in review.');
  await updates.getByRole('button', { name: 'Post the update' }).click();
  await expect(page.locator('.incident-timeline')).toContainText('A patch is in review.');
  await ready();

  const again = page.getByRole('region', { name: 'Post an update' });
  await again.getByLabel('Status').selectOption('resolved');
  await again.getByLabel('Message').fill('Fixed in 3.0.2.');
  await again.getByRole('button', { name: 'Post the update' }).click();
  await expect(page.locator('.incident-timeline')).toContainText('Fixed in 3.0.2.');
  await expect(page.locator('.facts-line')).toContainText('Resolved');
  await page.screenshot({ path: `test-results/incident-${project}.png`, fullPage: true });

  // Everyone sees every step, and so does the feed.
  await anonymous.goto(url);
  await expect(anonymous.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  for (const text of ['Incident opened.', 'A patch is in review.', 'Fixed in 3.0.2.']) {
    await expect(anonymous.locator('.incident-timeline')).toContainText(text);
  }
  await anonymous.goto('/acme/orbit/incidents');
  await expect(anonymous.getByRole('region', { name: 'History' })).toContainText(title);
  const feed = await (await anonymous.request.get('/acme/orbit/feed.atom')).text();
  for (const entry of [`Incident: ${title}`, `Fix in progress: ${title}`, `Resolved: ${title}`]) {
    expect(feed).toContain(entry);
  }
  await anonymous.close();
});

test('an affected version carries a banner that leads to the incident', async ({ page }) => {
  await page.goto('/acme/orbit/v/v3.2.0-rc.1');
  const banner = page.getByRole('alert').filter({ hasText: 'Known problems with this version' });
  await expect(banner).toContainText('Memory grows with every metrics scrape');
  await banner.getByRole('link', { name: 'Memory grows with every metrics scrape' }).click();
  await expect(page.getByRole('heading', { name: 'Updates' })).toBeVisible();
  // How maintainers follow the rollback rule is theirs to read, not every reader's.
  await expect(page.getByRole('heading', { name: 'Patch or withdraw' })).toHaveCount(0);
  await expect(page.locator('.incident-timeline')).toContainText('the fix ships in 3.2.0-rc.2');
});

test('a resolved incident stays on the versions it hit, with its fix, on the page and in the check', async ({ page }) => {
  await page.goto('/acme/orbit/v/v2.3.1');
  const past = page.getByRole('region', { name: 'Fixed problems that affect this version' });
  await expect(past).toContainText('Affected by API tokens printed in job logs');
  await expect(past.getByRole('link', { name: '2.3.2' })).toHaveAttribute('href', '/acme/orbit/v/2.3.2');
  // Fixed, so no alarm: the open-problems banner is not there.
  await expect(page.getByRole('alert').filter({ hasText: 'Known problems with this version' })).toHaveCount(0);

  await page.goto('/acme/orbit/support?version=v2.3.1');
  const fixed = page.getByRole('list', { name: 'Fixed incidents that affected this version' });
  await expect(fixed).toContainText('API tokens printed in job logs');
  await expect(fixed).toContainText('fixed in 2.3.2');

  // The fixed version itself was never hit.
  await page.goto('/acme/orbit/v/v2.3.2');
  await expect(page.getByRole('region', { name: 'Fixed problems that affect this version' })).toHaveCount(0);
});
