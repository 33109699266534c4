import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test as base, type Page } from '@playwright/test';
import { signedInitData } from './chat-client';
import { startRecordingProxy } from './recording-proxy';
import { startStack, type Stack } from '@cocoon/dev/stack';

export const E2E_BOT_TOKEN = '7000000001:E2E-test-token-not-secret-AAAAAAAAAA';

export interface E2EStack extends Stack {
  /** The URL the browser uses: a recording proxy in front of the broker. */
  appUrl: string;
  dataDir: string;
  brokerLogs(): string;
  hostLogs(): string;
  traffic(): Buffer;
}

/**
 * One stack per worker (Playwright runs one worker): broker + host agent + recording proxy.
 * `devMode` (a worker option, off as in production) turns on the broker's DEV_MODE routes: the
 * local TON chain's test wallet and the Bot API stand-in's test payments.
 */
export const test = base.extend<{ openApp: (user?: { id: number; first_name: string }) => Promise<Page> }, { stack: E2EStack; devMode: boolean; brokerEnv: Record<string, string> }>({
  devMode: [false, { option: true, scope: 'worker' }],
  /** Extra broker configuration for a spec (e.g. a short settlement delay); a spec that sets it gets its own stack. */
  brokerEnv: [{}, { option: true, scope: 'worker' }],
  stack: [
    async ({ devMode, brokerEnv }, use) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cocoon-e2e-'));
      const broker: string[] = [];
      const host: string[] = [];
      const logStream = new Writable({ write: (c, _e, cb) => (broker.push(String(c)), cb()) });
      const stack = await startStack({ dataDir: join(dataDir, 'pglite'), botToken: E2E_BOT_TOKEN, webDist: 'dist/web-e2e', devMode, logStream, hostOutput: (l) => host.push(l), hostName: 'host-e2e-1', env: brokerEnv });
      const proxy = await startRecordingProxy(new URL(stack.url));
      await use({ ...stack, appUrl: proxy.url, dataDir, brokerLogs: () => broker.join(''), hostLogs: () => host.join('\n'), traffic: proxy.traffic });
      await proxy.close();
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  openApp: async ({ page, stack }, use) => {
    await use(async (user = { id: 424242, first_name: 'Ada' }) => {
      const initData = signedInitData(E2E_BOT_TOKEN, user);
      const hash = new URLSearchParams({ tgWebAppData: initData, tgWebAppVersion: '8.0', tgWebAppPlatform: 'tdesktop', tgWebAppThemeParams: JSON.stringify({ bg_color: '#ffffff', text_color: '#000000', button_color: '#2481cc', button_text_color: '#ffffff', hint_color: '#999999', secondary_bg_color: '#f0f0f0' }) });
      await page.goto(`${stack.appUrl}/#${hash.toString()}`);
      return page;
    });
  },
});

export { expect } from '@playwright/test';
