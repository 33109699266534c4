import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test as base, type Page } from '@playwright/test';
import { signedInitData } from './chat-client';
import { startRecordingProxy } from './recording-proxy';
import { SCRIPTED_MODEL, startScriptedEngine, type ScriptedEngine } from './scripted-engine';
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
/** How the app is opened: Telegram's theme and the user's language (Telegram's `language_code`). */
export interface OpenAppOptions {
  theme?: 'light' | 'dark';
  languageCode?: string;
}

/** Telegram's default theme parameters, light and dark. */
export const TELEGRAM_THEMES = {
  light: { bg_color: '#ffffff', text_color: '#000000', button_color: '#2481cc', button_text_color: '#ffffff', hint_color: '#999999', link_color: '#2481cc', secondary_bg_color: '#f0f0f0' },
  dark: { bg_color: '#212121', text_color: '#ffffff', button_color: '#8774e1', button_text_color: '#ffffff', hint_color: '#aaaaaa', link_color: '#8774e1', secondary_bg_color: '#0f0f0f' },
} as const;

/** The Mini App build the stack serves: `COCOON_E2E_WEB_DIST` lets parallel work use its own build. */
const E2E_WEB_DIST = process.env.COCOON_E2E_WEB_DIST ?? 'dist/web-e2e';

/** The claims the stack's host attests for the scripted engine (any digest: the e2e build pins no policy). */
const scriptedClaims = (engine: ScriptedEngine) => ({ url: engine.url, name: 'scripted', imageDigest: `sha256:${'0'.repeat(64)}`, version: '1', args: [], modelDigests: { [SCRIPTED_MODEL]: 'ab'.repeat(32) } });

export const test = base.extend<
  { openApp: (user?: { id: number; first_name: string }, options?: OpenAppOptions) => Promise<Page> },
  { stack: E2EStack; devMode: boolean; brokerEnv: Record<string, string>; engineKind: 'demo' | 'scripted'; scripted: ScriptedEngine | null }
>({
  devMode: [false, { option: true, scope: 'worker' }],
  /** Extra broker configuration for a spec (e.g. a short settlement delay); a spec that sets it gets its own stack. */
  brokerEnv: [{}, { option: true, scope: 'worker' }],
  /**
   * What the host serves from: the demo llama engine (its text is not up to the test), or the
   * scripted engine (e2e/support/scripted-engine.ts), whose `answer` a spec sets through `scripted`.
   */
  engineKind: ['demo', { option: true, scope: 'worker' }],
  scripted: [
    async ({ engineKind }, use) => {
      if (engineKind !== 'scripted') return use(null);
      const engine = await startScriptedEngine();
      await use(engine);
      await engine.close();
    },
    { scope: 'worker' },
  ],
  stack: [
    async ({ devMode, brokerEnv, scripted }, use) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cocoon-e2e-'));
      const broker: string[] = [];
      const host: string[] = [];
      const logStream = new Writable({ write: (c, _e, cb) => (broker.push(String(c)), cb()) });
      const stack = await startStack({ dataDir: join(dataDir, 'pglite'), botToken: E2E_BOT_TOKEN, webDist: E2E_WEB_DIST, devMode, logStream, hostOutput: (l) => host.push(l), hostName: 'host-e2e-1', env: brokerEnv, ...(scripted && { engine: scriptedClaims(scripted) }) });
      const proxy = await startRecordingProxy(new URL(stack.url));
      await use({ ...stack, appUrl: proxy.url, dataDir, brokerLogs: () => broker.join(''), hostLogs: () => host.join('\n'), traffic: proxy.traffic });
      await proxy.close();
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  openApp: async ({ page, stack }, use) => {
    await use(async (user = { id: 424242, first_name: 'Ada' }, { theme = 'light', languageCode }: OpenAppOptions = {}) => {
      const initData = signedInitData(E2E_BOT_TOKEN, languageCode ? { ...user, language_code: languageCode } : user);
      const hash = new URLSearchParams({ tgWebAppData: initData, tgWebAppVersion: '8.0', tgWebAppPlatform: 'tdesktop', tgWebAppThemeParams: JSON.stringify(TELEGRAM_THEMES[theme]) });
      await page.goto(`${stack.appUrl}/#${hash.toString()}`);
      return page;
    });
  },
});

export { expect } from '@playwright/test';
