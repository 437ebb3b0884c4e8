import { test, expect } from '@playwright/test';
import { hydrated } from './pages';

// The server signs people in with the fake GitHub (tests/src/bin/fake-github.rs), where `mona`,
// who may push to acme/orbit, is signed in and approves at once.
test('sign in with GitHub, make an API token, sign out', async ({ page, javaScriptEnabled }) => {
  const project = test.info().project.name;
  const ready = async () => {
    if (javaScriptEnabled) await hydrated(page);
  };

  await page.goto('/acme/orbit');
  await ready();
  await page.getByRole('link', { name: 'Sign in' }).click();

  // Back where we started, signed in, with the maintainer's tools.
  await expect(page).toHaveURL(/\/acme\/orbit$/);
  await expect(page.locator('.account')).toContainText('Signed in as mona');
  await ready();
  await page.getByRole('navigation', { name: 'Maintainer tools' }).getByRole('link', { name: 'API tokens' }).click();
  await expect(page.getByRole('heading', { name: 'API tokens', level: 1 })).toBeVisible();
  await ready();

  const label = `release workflow (${project})`;
  await page.getByLabel('Name').fill(label);
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByTestId('new-token')).toHaveText(/^rdk_[0-9a-f]{40}$/);
  await expect(page.getByRole('cell', { name: label })).toBeVisible();
  await page.screenshot({ path: `test-results/tokens-${project}.png`, fullPage: true });

  // Shown once: gone after a reload, while the token stays listed.
  await page.reload();
  await ready();
  await expect(page.getByTestId('new-token')).toHaveCount(0);
  await expect(page.getByRole('cell', { name: label })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  const response = await page.goto('/acme/orbit/tokens');
  expect(response?.status()).toBe(401);
  await expect(page.getByRole('alert')).toContainText('sign in');
});

test('a maintainer changes the settings; a mistake is named and nothing is lost', async ({ page, javaScriptEnabled }) => {
  const project = test.info().project.name;
  await page.goto('/auth/login?next=/acme/orbit/settings');
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  if (javaScriptEnabled) await hydrated(page);

  const months = page.getByLabel('Security fixes after the next major (months)');
  await months.fill('-3');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('alert')).toContainText('Nothing was saved');
  await expect(page.getByText('a whole number of months from 0 to 120')).toBeVisible();
  await expect(months).toHaveValue('-3');
  await page.screenshot({ path: `test-results/settings-refused-${project}.png`, fullPage: true });

  await months.fill('6');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status')).toContainText('Saved.');
  await expect(months).toHaveValue('6');
});

test('a maintainer withdraws a version from its page and restores it', async ({ page, javaScriptEnabled }) => {
  const project = test.info().project.name;
  const tag = javaScriptEnabled ? 'v1.2.0' : 'v1.2.1';
  await page.goto(`/auth/login?next=/acme/orbit/v/${tag}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(tag);
  if (javaScriptEnabled) await hydrated(page);

  // The form is folded away until asked for, from the maintainer tools.
  await page.getByRole('link', { name: 'Withdraw this version' }).click();
  await page.getByLabel('Why').fill('Corrupts the job queue on upgrade');
  await page.getByLabel('Use this version instead (optional)').fill('v1.0.0');
  await page.getByRole('button', { name: `Withdraw ${tag}` }).click();
  // An older version cannot supersede: the field is named, nothing is withdrawn, and what was
  // typed stays, with JavaScript or after a plain form post.
  await expect(page.getByRole('alert')).toContainText('is not a released version newer than');
  await expect(page.getByLabel('Why')).toHaveValue('Corrupts the job queue on upgrade');
  await page.screenshot({ path: `test-results/withdraw-refused-${project}.png`, fullPage: true });
  await page.getByLabel('Why').fill('Corrupts the job queue on upgrade');
  await page.getByLabel('Use this version instead (optional)').fill('v1.3.1');
  await page.getByRole('button', { name: `Withdraw ${tag}` }).click();
  await expect(page.getByRole('heading', { name: 'Withdrawn: do not use this version' })).toBeVisible();
  await page.screenshot({ path: `test-results/withdrawn-${project}.png`, fullPage: true });

  await page.goto('/acme/orbit');
  const listed = page.locator('.version-name').filter({ has: page.getByRole('link', { name: tag, exact: true }) });
  await expect(listed).toContainText('withdrawn');

  await page.goto(`/acme/orbit/v/${tag}`);
  if (javaScriptEnabled) await hydrated(page);
  await page.getByRole('button', { name: `Restore ${tag}` }).click();
  await expect(page.getByText(`Withdraw ${tag}…`)).toBeVisible();
  await expect(page.getByRole('link', { name: 'Withdraw this version' })).toBeVisible();
});
