import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { chromium, type Browser } from '@playwright/test';
import { startStack, type Stack } from '@cocoon/dev/stack';
import { newTourContext, openTour, TOUR_ANSWER, tourScreens, TOUR_THEMES, type TourTheme } from '@cocoon/e2e/support/screen-tour';
import { SCRIPTED_MODEL, startScriptedEngine, type ScriptedEngine } from '@cocoon/e2e/support/scripted-engine';
import config from '../playwright.config';

/**
 * `npm run screenshots`: a PNG of every screen of the Mini App at 390 px, in Telegram's light and
 * dark themes and the iOS client's dark one, into screenshots/ (not committed), for review. The
 * same walk through the screens as the accessibility check (e2e/support/screen-tour.ts), against
 * the same stack as the e2e journeys: the Mini App's e2e build (built here only when missing),
 * broker and host agent, in Debian's Chromium. Bounded in time; leaves nothing running.
 */
const WEB_DIST = process.env.COCOON_E2E_WEB_DIST ?? 'dist/web-e2e';
const OUT_DIR = 'screenshots';
const BOT = '7000000003:SHOTS-token-not-secret-AAAAAAAAAAAAAA';
/** The whole run, stack start to last picture; past it the run stops and says so. */
const LIMIT_MS = Number(process.env.SCREENSHOTS_LIMIT_MS ?? 300_000);

if (!existsSync(join(WEB_DIST, 'index.html'))) {
  console.log(`building the Mini App into ${WEB_DIST}...`);
  const built = spawnSync('npx', ['vite', 'build', '--mode', 'e2e', '--outDir', WEB_DIST, '--emptyOutDir'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

rmSync(OUT_DIR, { recursive: true, force: true });
mkdirSync(OUT_DIR, { recursive: true });
const dataDir = mkdtempSync(join(tmpdir(), 'cocoon-shots-'));
let engine: ScriptedEngine | null = null;
let stack: Stack | null = null;
let browser: Browser | null = null;
const cleanUp = async () => {
  await browser?.close().catch(() => {});
  await stack?.close().catch(() => {});
  await engine?.close().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
};
const timer = setTimeout(() => {
  console.error(`screenshots: not done after ${LIMIT_MS / 1000} s, stopping`);
  void cleanUp().finally(() => process.exit(1));
}, LIMIT_MS);

try {
  // The e2e journeys' scripted engine: a known answer with markdown and code, at once.
  engine = await startScriptedEngine();
  engine.answer = TOUR_ANSWER;
  const claims = { url: engine.url, name: 'scripted', imageDigest: `sha256:${'0'.repeat(64)}`, version: '1', args: [], modelDigests: { [SCRIPTED_MODEL]: 'ab'.repeat(32) } };
  stack = await startStack({ dataDir: join(dataDir, 'pglite'), botToken: BOT, webDist: WEB_DIST, engine: claims, logLevel: 'warn', logStream: new Writable({ write: (_c, _e, cb) => cb() }), hostOutput: () => {} });
  browser = await chromium.launch(config.use?.launchOptions);
  const skipped = new Set<string>();
  for (const theme of Object.keys(TOUR_THEMES) as TourTheme[]) {
    const context = await newTourContext(browser);
    const page = await context.newPage();
    await openTour(page, stack.url, BOT, theme);
    let n = 0;
    await tourScreens(
      page,
      async (stop) => {
        n += 1;
        await page.screenshot({ path: join(OUT_DIR, `${theme}-${String(n).padStart(2, '0')}-${stop.name}.png`) });
      },
      (name) => skipped.add(name),
    );
    await context.close();
  }
  for (const name of skipped) console.log(`not in this build, no screenshot: ${name}`);
  const files = readdirSync(OUT_DIR).sort();
  for (const f of files) console.log(join(OUT_DIR, f));
  console.log(`${files.length} screenshots in ${OUT_DIR}/`);
} catch (err) {
  console.error('screenshots failed:', err);
  process.exitCode = 1;
} finally {
  clearTimeout(timer);
  await cleanUp();
}
