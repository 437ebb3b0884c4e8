import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { hydrated } from './pages';
import { OwnServer } from './own-server';

// Setting up a GitHub App from its manifest, on a server of its own: without GitHub sign-in,
// so its local administrator signs in with the link it prints, and with the fake GitHub as
// github.com, whose manifest page sends the browser straight back with a code.
const ports: Record<string, number> = { 'no-javascript': 3934, hydrated: 3935 };
const githubPort = Number(process.env.E2E_GITHUB_PORT ?? 3918);

let own: OwnServer | undefined;
let base = '';

test.beforeAll(async ({ playwright }, testInfo) => {
  test.setTimeout(60_000);
  const port = ports[testInfo.project.name] ?? 3936;
  own = await OwnServer.start(playwright.request, 'GitHub App', port, {
    RELEASEDESK_PUBLIC_URL: `http://127.0.0.1:${port}`,
    RELEASEDESK_GITHUB_OAUTH_URL: `http://127.0.0.1:${githubPort}`,
    RELEASEDESK_GITHUB_API_URL: `http://127.0.0.1:${githubPort}`,
    RELEASEDESK_SECRET_KEY: 'end-to-end GitHub App tests only',
  });
  base = own.base;
});

test.afterAll(async () => {
  await own?.stop();
});

const javascript = () => test.info().project.name !== 'no-javascript';

async function open(page: Page, path: string): Promise<void> {
  await page.goto(`${base}${path}`);
  if (javascript()) await hydrated(page);
}

test('only the local administrator sees the set-up page', async ({ page }) => {
  await open(page, '/setup/github-app');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('GitHub App');
  await expect(page.getByText(/sign in as the local administrator to set up a GitHub App/)).toBeVisible();
  await expect(page.getByRole('button', { name: /on GitHub/ })).toHaveCount(0);
});

test('the local administrator registers the App from its manifest', async ({ page }) => {
  await page.context().addCookies(own!.administrator);
  await open(page, '/setup/github-app');
  const register = page.getByRole('region', { name: /Register the App|Replace it with a new App/ });
  await expect(register.getByRole('listitem').filter({ hasText: 'Checks: write' })).toBeVisible();
  await expect(register).toContainText(`${base}/webhooks/github`);
  if (javascript()) {
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  }
  await page.screenshot({ path: `test-results/github-app-setup-${test.info().project.name}.png`, fullPage: true });

  // A name that is not an organisation's is refused in words, and nothing goes to GitHub.
  await page.getByLabel('Organisation to own it').fill('acme/evil');
  await page.getByRole('button', { name: 'Use these' }).click();
  await expect(page.getByRole('alert')).toContainText("'acme/evil' is not a GitHub organisation's name");
  await expect(page.getByRole('button', { name: /on GitHub/ })).toHaveCount(0);
  await expect(page.getByLabel('Organisation to own it')).toHaveValue('acme/evil');

  await page.getByLabel('Name on GitHub').fill('Acme releases');
  await page.getByLabel('Organisation to own it').fill('acme');
  await page.getByRole('button', { name: 'Use these' }).click();
  await expect(page.getByText('registers the App under the organisation acme')).toBeVisible();

  // To GitHub's manifest page and back with a code: the App is set up.
  await page.getByRole('button', { name: /on GitHub/ }).click();
  await expect(page).toHaveURL(`${base}/setup/github-app`);
  if (javascript()) await hydrated(page);
  await expect(page.getByRole('status')).toContainText('The GitHub App Acme releases is set up');
  const app = page.getByRole('region', { name: 'Set up: Acme releases' });
  await expect(app).toContainText('acme-releases');
  await expect(app).toContainText('Iv1.8a61f9b3a7aba766');
  await expect(app.getByRole('link', { name: 'Install the App on repositories' })).toHaveAttribute(
    'href',
    'https://github.com/apps/acme-releases/installations/new',
  );
  // Secrets never reach the page.
  await expect(page.locator('body')).not.toContainText('1726be1638095a19edd134c77bde3aa2ece1e5d8');
  await expect(page.locator('body')).not.toContainText('PRIVATE KEY');
  await page.screenshot({ path: `test-results/github-app-done-${test.info().project.name}.png`, fullPage: true });

  // Shown once: the message is gone on the next visit, the App stays.
  await open(page, '/setup/github-app');
  await expect(page.getByRole('status')).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Set up: Acme releases' })).toBeVisible();
});
