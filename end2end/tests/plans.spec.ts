import { test, expect, type Page } from '@playwright/test';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { WEBHOOK_SECRET } from '../playwright.config';
import { hydrated } from './pages';

/** Pushes `tag` as GitHub would: its own `push` example, signed, moved to acme/orbit. */
async function pushTag(page: Page, tag: string) {
  const examples = JSON.parse(
    readFileSync(resolve(__dirname, '../node_modules/@octokit/webhooks-examples/api.github.com/index.json'), 'utf8'),
  );
  const push = structuredClone(examples.find((e: { name: string }) => e.name === 'push').examples[0]);
  push.ref = `refs/tags/${tag}`;
  push.after = '9d2e1f0c1d2a3b4c5d6e7f8091a2b3c4d5e6f708';
  push.deleted = false;
  push.repository.name = 'orbit';
  push.repository.owner.login = 'acme';
  push.repository.full_name = 'acme/orbit';
  const body = JSON.stringify(push);
  const signature = 'sha256=' + createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex');
  const answer = await page.request.post('/webhooks/github', {
    data: body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': signature,
    },
  });
  expect(answer.status()).toBe(200);
}

test('a maintainer plans the suggested version, ticks its pre-release items, publishes it, and sees it on the history', async ({ page, javaScriptEnabled }) => {
  test.setTimeout(90_000);
  const project = test.info().project.name;
  const ready = async () => {
    if (javaScriptEnabled) await hydrated(page);
  };
  await page.goto('/auth/login?next=/acme/orbit/plans');
  await expect(page.getByRole('heading', { name: 'Planned releases', level: 1 })).toBeVisible();
  await ready();

  // The commits on main since the newest stable release (v3.1.1 in the demo, or what the other
  // project published): a feature and a fix.
  await page.getByLabel('Suggest the next version for').selectOption('stable');
  await page.getByRole('button', { name: 'Suggest' }).click();
  await expect(page.locator('#suggestion')).toContainText(/minor bump from v3\.\d+\.\d+, 3 commits read/);
  await expect(page.locator('#suggestion')).toContainText('feat(scheduler): job priorities');
  const version = await page.getByLabel('Version', { exact: true }).inputValue();
  expect(version).toMatch(/^3\.\d+\.\d+$/);
  await ready();

  // A date that is no date is named, and what was typed stays.
  await page.getByLabel('Target date').fill('2026-12-31');
  await page.getByLabel('Branch (default release/ and the tag)').fill('not a..branch');
  await page.getByRole('button', { name: 'Plan this release' }).click();
  await expect(page.locator('#plan-branch-problem')).toContainText('git branch name');
  await expect(page.getByLabel('Version', { exact: true })).toHaveValue(version);
  await ready();
  await page.getByLabel('Branch (default release/ and the tag)').fill('');
  await page.getByRole('button', { name: 'Plan this release' }).click();

  await expect(page).toHaveURL(new RegExp(`/acme/orbit/plans/${version.replace(/\./g, '\\.')}$`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`v${version}`);
  await expect(page.locator('.facts')).toContainText(`release/v${version}`);
  await ready();

  // Tick every pre-release item: the sections before "Release".
  const pre = page.locator('section.checklist-section', { has: page.locator('h3', { hasText: /^Pre-Release/ }) });
  for (;;) {
    const open = pre.getByRole('button', { name: /^Mark done:/ });
    if ((await open.count()) === 0) break;
    const name = await open.first().getAttribute('aria-label') ?? (await open.first().innerText());
    await open.first().click();
    await expect(page.getByRole('button', { name: name.replace('Mark done:', 'Reopen:') })).toBeVisible();
    await ready();
  }
  await page.reload();
  await expect(page.locator('.facts')).toContainText('pre-release items done');

  // The tag is pushed; the plan is now the version, with the same checklist.
  await pushTag(page, `v${version}`);
  await page.reload();
  await expect(page.locator('h1 .badge')).toHaveText('tagged, not published');
  await ready();
  await page.getByRole('button', { name: 'Publish the GitHub release' }).click();
  await expect(page.locator('h1 .badge')).toHaveText('published');
  await expect(page.locator('table.writes')).toContainText('publish');
  await page.screenshot({ path: `test-results/plan-${project}.png`, fullPage: true });

  await page.goto('/acme/orbit');
  await expect(page.getByRole('link', { name: `v${version}`, exact: true }).first()).toBeVisible();
  await page.goto(`/acme/orbit/v/v${version}`);
  await expect(page.getByRole('link', { name: 'This release on GitHub' })).toBeVisible();
});

test('a train shows its stages, how long each soaked, and whether the release promoted its candidate', async ({ page }) => {
  await page.goto('/acme/orbit/v/v3.0.0-rc.2');
  await page.getByRole('link', { name: 'the 3.0.0 train' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('3.0.0');
  await expect(page.locator('table.train tbody tr')).toHaveCount(7);
  await expect(page.locator('#promotion')).toContainText('v3.0.0 ships the very files of v3.0.0-rc.2');
  await page.screenshot({ path: `test-results/train-${test.info().project.name}.png`, fullPage: true });
});
