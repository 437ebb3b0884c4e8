import { expect, type APIRequestContext, type BrowserContext } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

type Cookies = Parameters<BrowserContext['addCookies']>[0];

/**
 * A release build serving the demo on a port of its own, without GitHub sign-in: its local
 * administrator signs in with the link it prints, which works once, so it is spent here and
 * the session's cookies handed back for the tests that need them.
 */
export class OwnServer {
  private constructor(
    readonly base: string,
    readonly administrator: Cookies,
    private readonly server: ChildProcess,
  ) {}

  /** Starts `releasedesk serve --demo` on `port` with `env` besides the database and site. */
  static async start(
    request: { newContext(): Promise<APIRequestContext> },
    what: string,
    port: number,
    env: Record<string, string>,
  ): Promise<OwnServer> {
    const base = `http://127.0.0.1:${port}`;
    const binary = process.env.RELEASEDESK_BIN ?? resolve(__dirname, '../../target/release/releasedesk');
    const database = join(mkdtempSync(join(tmpdir(), `releasedesk-e2e-${what}-`)), 'e2e.db');
    const server = spawn(binary, ['serve', '--demo', '--bind', `127.0.0.1:${port}`], {
      env: {
        PATH: process.env.PATH,
        RELEASEDESK_DATABASE_URL: `sqlite://${database}`,
        LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? resolve(__dirname, '../../target/site'),
        RUST_LOG: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The sign-in link is the line after the announcement on standard output.
    const link = new Promise<string>((found, failed) => {
      let printed = '';
      server.stdout!.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
        const match = printed.match(/Sign in as the local administrator with this link[^\n]*\n\s*(\S+)/);
        if (match) found(match[1]);
      });
      server.on('exit', (code) => failed(new Error(`the ${what} server ended (${code}): ${printed}`)));
    });
    let errors = '';
    server.stderr!.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString()).slice(-4000);
    });
    for (let tries = 0; ; tries++) {
      const ready = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
      if (ready) break;
      if (tries > 300 || server.exitCode !== null) {
        throw new Error(`the ${what} server did not start: ${errors}`);
      }
      await new Promise((done) => setTimeout(done, 100));
    }
    const signIn = await request.newContext();
    const answer = await signIn.get(await link);
    expect(answer.ok(), await answer.text()).toBeTruthy();
    const administrator = (await signIn.storageState()).cookies;
    await signIn.dispose();
    expect(administrator.length).toBeGreaterThan(0);
    return new OwnServer(base, administrator, server);
  }

  async stop(): Promise<void> {
    if (this.server.exitCode === null) {
      const ended = new Promise((done) => this.server.once('exit', done));
      this.server.kill();
      await ended;
    }
  }
}
