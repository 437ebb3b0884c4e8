// `make bench`, part (e): what a phone on a slow network fetches and waits for on the history,
// version and support pages, in Debian's Chromium under Lighthouse's mobile throttling as
// DevTools applies it (slow 4G: 562.5 ms round trip, 1,474.6 kbit/s down, 675 kbit/s up; a 4x
// slower CPU). For each page and each of two moments to act, right at the load event and once
// the page is idle (the app prefetched), it reports the median over ROUNDS fresh visits of:
//   - the bytes of JavaScript and WebAssembly (and of everything) fetched before the first
//     interaction answered, as the browser counts them on the wire;
//   - the milliseconds from the first sign of intent to the answer on screen;
//   - the JavaScript and WebAssembly fetched in all, once the network is quiet after the answer.
// The version page's interaction is a checklist tick, which needs the local administrator's
// sign-in link that `releasedesk serve` prints.
// Usage: node end2end/bench/first-interaction.mjs http://127.0.0.1:PORT [LINK]   (ROUNDS=5)
import { chromium } from '@playwright/test';

const base = process.argv[2];
if (!base) throw new Error('usage: first-interaction.mjs BASE_URL [LOCAL_ADMINISTRATOR_LINK]');
const administratorLink = process.argv[3];
const rounds = Number(process.env.ROUNDS ?? 5);

const slow4g = { offline: false, latency: 562.5, downloadThroughput: (1474.56 * 1024) / 8, uploadThroughput: (675 * 1024) / 8 };
const cpuSlowdown = 4;

/** Waits, checking each frame, until `test` holds in the page. */
const shows = (test) => (page) => page.waitForFunction(test, undefined, { timeout: 120_000, polling: 'raf' });

/** Each page's first interaction: what a person does, and the wait for what shows the answer. */
const pages = [
  {
    name: 'history',
    path: '/acme/orbit',
    act: async (page) => {
      await page.focus('#history-search');
      await page.keyboard.type('beta');
    },
    answered: shows(
      () =>
        new URLSearchParams(location.search).get('q') === 'beta' &&
        document.querySelectorAll('.version-link').length === 5,
    ),
  },
  {
    // A checklist tick, by the local administrator; each visit turns the item the other way.
    name: 'version',
    path: '/acme/orbit/v/v3.2.0-rc.1',
    signedIn: true,
    act: async (page) => {
      const item = 'Images pull successfully';
      const reopen = page.getByRole('button', { name: `Reopen: ${item}` });
      const wasDone = (await reopen.count()) > 0;
      await (wasDone ? reopen : page.getByRole('button', { name: `Mark done: ${item}` })).click();
      return wasDone ? `Mark done: ${item}` : `Reopen: ${item}`;
    },
    answered: (page, expected) =>
      page.getByRole('button', { name: expected }).waitFor({ timeout: 120_000 }),
  },
  {
    name: 'support',
    path: '/acme/orbit/support',
    act: async (page) => {
      await page.focus('#version');
      await page.keyboard.type('v2.3.1');
    },
    answered: shows(
      () => document.querySelector('[data-testid=verdict]')?.textContent?.includes('security fixes only') ?? false,
    ),
  },
];

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});

/** Counts the bytes on the wire of every response from now on, across navigations, by kind:
 *  scripts (JavaScript and WebAssembly) and all. The browser's own count (DevTools' network
 *  events), since a page's resource timing starts again with each document. */
async function countBytes(cdp) {
  const urls = new Map();
  const sizes = { scripts: 0, all: 0 };
  cdp.on('Network.responseReceived', ({ requestId, response }) => urls.set(requestId, response.url));
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    sizes.all += encodedDataLength;
    if (/\.(js|wasm)(\?|$)/.test(urls.get(requestId) ?? '')) sizes.scripts += encodedDataLength;
  });
  await cdp.send('Network.enable');
  return sizes;
}

/** The local administrator's session cookie: the link the server printed works once. */
async function administratorCookies() {
  if (!administratorLink) return undefined;
  const context = await browser.newContext();
  const answer = await context.request.get(administratorLink);
  if (!answer.ok()) throw new Error(`signing in with ${administratorLink}: ${answer.status()}`);
  const { cookies } = await context.storageState();
  await context.close();
  return cookies;
}
const administrator = await administratorCookies();

async function visit(spec, moment) {
  const context = await browser.newContext({ viewport: { width: 412, height: 823 }, isMobile: true, hasTouch: true });
  if (spec.signedIn) await context.addCookies(administrator);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const sizes = await countBytes(cdp);
  await cdp.send('Network.emulateNetworkConditions', slow4g);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
  await page.goto(base + spec.path, { waitUntil: 'load', timeout: 120_000 });
  if (moment === 'idle') await page.waitForLoadState('networkidle', { timeout: 120_000 });
  const started = Date.now();
  const expected = await spec.act(page);
  await spec.answered(page, expected);
  const latency = Date.now() - started;
  const byAnswer = { ...sizes };
  await page.waitForLoadState('networkidle', { timeout: 120_000 });
  await context.close();
  return { latency, scripts: byAnswer.scripts, all: byAnswer.all, scriptsAfter: sizes.scripts };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

console.log(`## (e) first interaction, slow 4G and a 4x slower CPU, medians of ${rounds} visits`);
const columns = ['page', 'act at', 'JS+wasm by answer', 'all by answer', 'JS+wasm after', 'intent to answer'];
console.log(columns.map((c, i) => (i ? c.padStart(20) : c.padEnd(10))).join(''));
try {
  for (const spec of pages) {
    if (spec.signedIn && !administrator) {
      console.log(`${spec.name.padEnd(10)} (needs the local administrator's link)`);
      continue;
    }
    for (const moment of ['load', 'idle']) {
      const runs = [];
      for (let round = 0; round < rounds; round++) runs.push(await visit(spec, moment));
      const cells = [
        moment,
        kib(median(runs.map((r) => r.scripts))),
        kib(median(runs.map((r) => r.all))),
        kib(median(runs.map((r) => r.scriptsAfter))),
        `${median(runs.map((r) => r.latency)).toFixed(0)} ms`,
      ];
      console.log(spec.name.padEnd(10) + cells.map((c) => c.padStart(20)).join(''));
    }
  }
} finally {
  await browser.close();
}
