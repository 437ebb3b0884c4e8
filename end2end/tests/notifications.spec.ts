import { test, expect, type Locator, type Page } from '@playwright/test';
import { hydrated } from './pages';
import { OwnServer } from './own-server';

// Mail subscriptions and outgoing hooks, on a server of their own: without GitHub sign-in, so
// its local administrator (who alone reads the outbox) signs in with the link it prints; and
// without SMTP, so its mail stays in that outbox. One port per project: never shared.
const ports: Record<string, number> = { 'no-javascript': 3931, hydrated: 3932 };

let own: OwnServer | undefined;
let base = '';

test.beforeAll(async ({ playwright }, testInfo) => {
  test.setTimeout(60_000);
  own = await OwnServer.start(playwright.request, 'notifications', ports[testInfo.project.name] ?? 3933, {
    RELEASEDESK_SECRET_KEY: 'end-to-end notification tests only',
  });
  base = own.base;
});

test.afterAll(async () => {
  await own?.stop();
});

async function signInAsAdministrator(page: Page): Promise<void> {
  await page.context().addCookies(own!.administrator);
}

/** The newest mail with this subject to this address, reloading the outbox until it is there. */
async function mailIn(page: Page, subject: string, to: string): Promise<Locator> {
  const mail = page.getByRole('article', { name: subject, exact: true }).filter({ hasText: to }).first();
  await expect(async () => {
    await page.goto(`${base}/admin/outbox`);
    await expect(mail).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 20_000, intervals: [500, 1_000] });
  return mail;
}

/** Opens and publishes an incident as the local administrator; subscribers and hooks hear of it. */
async function publishIncident(page: Page, title: string, javaScriptEnabled: boolean): Promise<void> {
  await page.goto(`${base}/acme/orbit/incidents`);
  if (javaScriptEnabled) await hydrated(page);
  const form = page.getByRole('region', { name: 'Open an incident' });
  await form.getByLabel('Title', { exact: true }).fill(title);
  await form.getByLabel('Issue: what went wrong, briefly').fill('Jobs scheduled at midnight run twice.');
  await form.getByLabel('Affected versions').fill('>=3.0.0, <3.1.1');
  await form.getByLabel('Published (everyone sees it)').check();
  await form.getByRole('button', { name: 'Save the incident' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByText('draft: maintainers only')).toHaveCount(0);
}

test('subscribe, confirm from the outbox, change what is received and unsubscribe', async ({ page, javaScriptEnabled }) => {
  test.setTimeout(120_000);
  const project = test.info().project.name;
  const email = `ada-${project}@example.com`;

  // The panel on the history: a plain form.
  await page.goto(`${base}/acme/orbit`);
  if (javaScriptEnabled) await hydrated(page);
  const panel = page.getByRole('region', { name: 'Get mail about orbit' });
  await expect(panel).toBeVisible();
  await panel.screenshot({ path: `test-results/notifications-panel-${project}.png` });
  await panel.getByLabel('Email address').fill(email);
  await panel.getByRole('checkbox', { name: 'Incidents' }).check();
  await panel.getByRole('button', { name: 'Subscribe' }).click();
  await expect(page).toHaveURL(`${base}/acme/orbit/subscribe?sent`);
  await expect(page.getByRole('heading', { name: 'Check your mail' })).toBeVisible();
  await page.screenshot({ path: `test-results/notifications-sent-${project}.png`, fullPage: true });

  // The confirmation waits in the outbox, which only the local administrator reads.
  await signInAsAdministrator(page);
  const confirmation = await mailIn(page, 'Confirm your subscription to acme/orbit on Release Desk', email);
  await expect(confirmation).toContainText('Incidents');
  await page.screenshot({ path: `test-results/notifications-outbox-${project}.png`, fullPage: true });
  if (javaScriptEnabled) await hydrated(page);
  await confirmation.getByRole('link', { name: /\/subscriptions\/confirm\// }).click();
  await expect(page).toHaveURL(/\/subscriptions\/confirm\/[^?]+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Confirm your subscription');
  await expect(page.getByText(email)).toBeVisible();
  await expect(page.getByText(/You asked for: .*Incidents/)).toBeVisible();
  await page.screenshot({ path: `test-results/notifications-confirm-${project}.png`, fullPage: true });
  await page.getByRole('button', { name: 'Confirm subscription' }).click();
  await expect(page).toHaveURL(/\?confirmed$/);
  await expect(page.getByRole('heading', { name: 'Subscribed' })).toBeVisible();
  await page.screenshot({ path: `test-results/notifications-confirmed-${project}.png`, fullPage: true });

  // An incident's mail carries the links to change what is received and to unsubscribe.
  const title = `Midnight jobs run twice (${project})`;
  await publishIncident(page, title, javaScriptEnabled);
  const notice = await mailIn(page, `[acme/orbit] Incident: ${title}`, email);
  await expect(notice).toContainText('Change what you receive:');
  await expect(notice.getByRole('link', { name: /\/subscriptions\/unsubscribe\// })).toBeVisible();
  if (javaScriptEnabled) await hydrated(page);
  await notice.getByRole('link', { name: /\/subscriptions\/manage\// }).click();
  await expect(page).toHaveURL(/\/subscriptions\/manage\/[^?]+$/);
  const managePage = page.url();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your subscription');
  const incidents = page.getByRole('checkbox', { name: 'Incidents' });
  const withdrawals = page.getByRole('checkbox', { name: 'Withdrawn versions' });
  const line = page.getByRole('checkbox', { name: '2.x', exact: true });
  await expect(incidents).toBeChecked();
  await expect(line).not.toBeChecked();
  const withdrawalsBefore = await withdrawals.isChecked();
  await page.screenshot({ path: `test-results/notifications-manage-${project}.png`, fullPage: true });

  if (withdrawalsBefore) await withdrawals.uncheck();
  else await withdrawals.check();
  await line.check();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page).toHaveURL(/\?saved$/);
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  // As saved, read again from the server.
  await page.goto(managePage);
  await expect(page.getByText('Saved.')).toHaveCount(0);
  await expect(incidents).toBeChecked();
  await expect(line).toBeChecked();
  if (withdrawalsBefore) await expect(withdrawals).not.toBeChecked();
  else await expect(withdrawals).toBeChecked();
  await page.screenshot({ path: `test-results/notifications-saved-${project}.png`, fullPage: true });

  await page.getByRole('button', { name: 'Unsubscribe from everything' }).click();
  await expect(page).toHaveURL(/\/subscriptions\/unsubscribe\/[^?]+\?done$/);
  await expect(page.getByRole('heading', { name: 'Unsubscribed' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Subscribe again' })).toHaveAttribute('href', '/acme/orbit/subscribe');
  await page.screenshot({ path: `test-results/notifications-unsubscribed-${project}.png`, fullPage: true });
  // The manage link now says so too.
  await page.goto(managePage);
  await expect(page.getByText('This address is unsubscribed.')).toBeVisible();
});

test('a hostile or mistyped address is refused with a clear message and kept', async ({ page, javaScriptEnabled }) => {
  const project = test.info().project.name;
  const form = page.getByRole('form', { name: 'Subscribe by mail' });
  const email = form.getByLabel('Email address');

  // A header injection cannot be typed into the field: posted as a script would post it. The
  // refusal waits in the session (the request shares the page's cookies) for the page.
  const posted = await page.request.post(`${base}/acme/orbit/subscribe`, {
    form: { email: 'ada@example.com\r\nBcc: x@example.com', topics: 'releases' },
    maxRedirects: 0,
  });
  expect(posted.status()).toBe(303);
  expect(posted.headers()['location']).toBe('/acme/orbit/subscribe');
  await page.goto(`${base}/acme/orbit/subscribe`);
  // The reason under the field, and no vaguer summary above it.
  await expect(page.getByRole('alert')).toHaveCount(1);
  await expect(form.getByRole('alert')).toHaveText(
    'an email address cannot contain line breaks or control characters',
  );
  // What was typed stays (an input shows it without its line break).
  await expect(email).toHaveValue(/^ada@example\.com\s*Bcc: x@example\.com$/);
  await expect(page.getByRole('heading', { name: 'Check your mail' })).toHaveCount(0);
  await page.screenshot({ path: `test-results/notifications-refused-${project}.png`, fullPage: true });
  // Shown once: the next visit is a fresh form.
  await page.reload();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(email).toHaveValue('');

  // Typed into the form, past the browser's own check of type=email.
  if (javaScriptEnabled) {
    await hydrated(page);
    await email.evaluate((input: HTMLInputElement) => {
      input.removeAttribute('required');
      input.type = 'text';
    });
    await email.fill('not-an-address');
    await form.getByRole('checkbox', { name: '3.x', exact: true }).check();
    await form.getByRole('button', { name: 'Subscribe' }).click();
    await expect(page).toHaveURL(`${base}/acme/orbit/subscribe`);
    await expect(form.getByRole('alert')).toHaveText('enter an email address such as ada@example.com');
    await expect(email).toHaveValue('not-an-address');
    await expect(form.getByRole('checkbox', { name: '3.x', exact: true })).toBeChecked();
    await page.screenshot({ path: `test-results/notifications-mistyped-${project}.png`, fullPage: true });
  }
});

test('a hook to the server\'s own network is refused, and the page says why', async ({ page, javaScriptEnabled }) => {
  test.setTimeout(90_000);
  const project = test.info().project.name;
  await signInAsAdministrator(page);
  await page.goto(`${base}/acme/orbit/hooks`);
  if (javaScriptEnabled) await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Notifications');
  await expect(page.getByRole('region', { name: 'Mail subscribers' })).toBeVisible();
  const create = page.getByRole('region', { name: 'Add a webhook' });
  await create.getByLabel('Address').fill('http://127.0.0.1:9/hook');
  await create.getByLabel('Format').selectOption('json');
  await create.getByLabel('Secret').fill('a secret of sixteen characters or more');
  await expect(create.getByRole('checkbox', { name: 'Incidents' })).toBeChecked();
  await create.getByRole('button', { name: 'Add webhook' }).click();

  // Refused when it is added (and again at each delivery: a name may resolve elsewhere later).
  await expect(page.getByRole('alert')).toContainText(/loopback, private or link-local/);
  await expect(page.getByRole('article', { name: 'http://127.0.0.1:9/hook' })).toHaveCount(0);
  await page.screenshot({ path: `test-results/notifications-hook-refused-${project}.png`, fullPage: true });
});
