import { expect, type Page, type Locator } from '@playwright/test';

/** Waits until the app has hydrated (the marker set by an Effect in <App/>). */
export async function hydrated(page: Page): Promise<void> {
  // The page hydrates on the first sign of a person (app/src/hydrate_on_intent.js): a pointer.
  await page.mouse.move(10, 10);
  await page.mouse.move(12, 12);
  // Loading and compiling the WebAssembly can take a few seconds on a busy machine.
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 15_000 });
}

export class HistoryPage {
  readonly versions: Locator;
  readonly filter: Locator;
  readonly search: Locator;

  constructor(readonly page: Page) {
    // Every version's link, folded pre-releases included.
    this.versions = page.locator('.version-link');
    this.filter = page.getByRole('navigation', { name: 'Filter by channel' });
    this.search = page.getByRole('searchbox', { name: 'Search versions' });
  }

  async open(query = ''): Promise<void> {
    await this.page.goto(`/acme/orbit${query}`);
  }

  channel(label: string | RegExp): Locator {
    return this.filter.getByRole('link', { name: label });
  }
}
