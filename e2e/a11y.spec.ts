import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { E2E_BOT_TOKEN, expect, test } from './support/fixtures';
import { newTourContext, openTour, TOUR_ANSWER, tourScreens, type TourStop, type TourTheme } from './support/screen-tour';

/**
 * axe-core on every screen of the Mini App (e2e/support/screen-tour.ts), at 390 px in Telegram's
 * light and dark themes and the iOS client's dark one, and the chat at 320 px. Fails on any
 * violation of impact serious or critical, naming the rule and each node. One page per theme,
 * walked from screen to screen, so the whole check stays well under a minute.
 */

const BLOCKING = new Set(['serious', 'critical']);
// Legacy mode: axe runs in the page itself, not also in a second blank page per scan (the app has no frames to gather).

/** The serious and critical violations inside `stop.scope`, one line per failing node. */
async function violations(page: Page, where: string, stop: TourStop): Promise<string[]> {
  const result = await new AxeBuilder({ page }).setLegacyMode(true).include(stop.scope).analyze();
  const lines = result.violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .flatMap((v) => v.nodes.map((n) => `${where} ${stop.name}: ${v.id} (${v.impact}) ${n.target.join(' ')} — ${(n.failureSummary ?? v.help).replace(/\s+/g, ' ')}`));
  // As found, so a run cut short still says what it saw.
  console.log(`${where} ${stop.name}: ${lines.length === 0 ? 'no serious violation' : lines.join('\n')}`);
  return lines;
}

const THEMES = ['light', 'dark', 'ios-dark'] as const satisfies readonly TourTheme[];

// The scripted engine: a known answer at once, and a stack that starts quickly.
test.use({ engineKind: 'scripted' });

// One test for all themes: one stack, and every theme's findings in one report.
test('every screen has no serious accessibility violation in light, dark and iOS dark themes, at 390 and 320 px', async ({ browser, stack, scripted }) => {
  scripted!.answer = TOUR_ANSWER;
  // Well under a minute on an idle machine; the margin is for a busy one.
  test.setTimeout(420_000);
  const found: string[] = [];
  const skipped = new Set<string>();
  for (const theme of THEMES) {
    const context = await newTourContext(browser);
    const page = await context.newPage();
    await openTour(page, stack.appUrl, E2E_BOT_TOKEN, theme);
    await tourScreens(page, async (stop) => void found.push(...(await violations(page, `${theme} 390px`, stop))), (name) => skipped.add(name));
    await page.setViewportSize({ width: 320, height: 640 });
    found.push(...(await violations(page, `${theme} 320px`, { name: 'chat-answer', scope: 'body' })));
    await context.close();
  }
  if (skipped.size > 0) test.info().annotations.push({ type: 'not in this build', description: [...skipped].join(', ') });
  expect(found, found.join('\n')).toEqual([]);
});
