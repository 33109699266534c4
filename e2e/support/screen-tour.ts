import type { Browser, BrowserContext, Page } from '@playwright/test';
import { signedInitData } from './chat-client';
import type { ScriptedAnswer } from './scripted-engine';

/**
 * A walk through every screen of the Mini App in one page, for the accessibility check
 * (e2e/a11y.spec.ts) and the review screenshots (scripts/screenshots.ts): both must see the same
 * screens in the same states. Waits use plain locators, not `expect`, so the script can run
 * outside Playwright's test runner.
 */

/** Telegram's theme parameters: its default light and dark, and the iOS client's dark (black, near-black sections). */
export const TOUR_THEMES = {
  light: { bg_color: '#ffffff', text_color: '#000000', button_color: '#2481cc', button_text_color: '#ffffff', hint_color: '#999999', link_color: '#2481cc', secondary_bg_color: '#f0f0f0' },
  dark: { bg_color: '#212121', text_color: '#ffffff', button_color: '#8774e1', button_text_color: '#ffffff', hint_color: '#aaaaaa', link_color: '#8774e1', secondary_bg_color: '#0f0f0f' },
  'ios-dark': {
    bg_color: '#000000', secondary_bg_color: '#1c1c1d', section_bg_color: '#2c2c2e', header_bg_color: '#1a1a1a', bottom_bar_bg_color: '#1d1d1d', text_color: '#ffffff', hint_color: '#98989e',
    subtitle_text_color: '#98989e', link_color: '#3e88f7', accent_text_color: '#3e88f7', button_color: '#3e88f7', button_text_color: '#ffffff', section_header_text_color: '#8d8e93', destructive_text_color: '#eb5545', section_separator_color: '#545458',
  },
} as const satisfies Record<string, Record<string, string>>;
export type TourTheme = keyof typeof TOUR_THEMES;

export const TOUR_USER = { id: 31337, first_name: 'Tess' };
export const TOUR_PROMPT = 'What does a signed receipt prove?';
/** The answer the scripted engine gives, so the tour covers what answers render: a heading, a list, a link and highlighted code. */
export const TOUR_ANSWER: ScriptedAnswer = {
  deltas: ['## What a receipt proves\n\n', 'The host signed **exactly** these token counts:\n\n', '- prompt tokens\n- completion tokens\n\n', 'See [the docs](https://example.org/receipts).\n\n', '```ts\nconst charged = costOf(price, usage);\n```\n'],
  usage: { prompt_tokens: 20, completion_tokens: 40, total_tokens: 60 },
};

/** One screen in the state the tour left it in: `scope` is what an accessibility scan should look at. */
export interface TourStop {
  name: string;
  scope: string;
}

/** A screen the tour visits; `null` from `open` means the screen does not exist in this build. */
interface Step {
  name: string;
  open: (page: Page) => Promise<TourStop | null>;
  close: (page: Page) => Promise<void>;
}

const byId = (id: string) => `[data-testid="${id}"]`;
const WAIT = { timeout: 30_000 } as const;

/** Whether a control is in the page now (screens other work adds may not be). */
const present = async (page: Page, selector: string) => (await page.locator(selector).count()) > 0;

/** A fresh context (its own storage: conversations kept on the device start empty) at a phone's size. */
export async function newTourContext(browser: Browser, width = 390, height = 844): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width, height }, reducedMotion: 'reduce', deviceScaleFactor: 2 });
}

/** Opens the app as Telegram would, in `theme`, and waits until the chat can send. */
export async function openTour(page: Page, appUrl: string, botToken: string, theme: TourTheme): Promise<void> {
  const hash = new URLSearchParams({ tgWebAppData: signedInitData(botToken, TOUR_USER), tgWebAppVersion: '8.0', tgWebAppPlatform: 'tdesktop', tgWebAppThemeParams: JSON.stringify(TOUR_THEMES[theme]) });
  await page.goto('about:blank'); // a new hash alone would not reload the app
  await page.goto(`${appUrl}/#${hash.toString()}`);
  await page.locator(`${byId('credits-balance')}[data-micro]`).waitFor(WAIT);
  await page.locator(`${byId('attestation-badge')}:is([data-state="simulated"], [data-state="verified"])`).waitFor(WAIT);
  // The composer's hint says why Send is off (connecting, verifying); it goes once the chat is ready.
  await page.locator(byId('send-hint')).waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});
}

const sheet = (name: string, opener: string, testId: string): Step => ({
  name,
  open: async (page) => {
    await page.locator(opener).click();
    await page.locator(byId(testId)).waitFor(WAIT);
    return { name, scope: '[role="dialog"]' };
  },
  close: async (page) => {
    await page.keyboard.press('Escape');
    await page.locator(byId(testId)).waitFor({ state: 'detached', ...WAIT });
  },
});

/** A screen pushed over the chat by a header control; loaded once `aria-busy` is off. */
const pushed = (name: string, opener: string, screenId: string, ready?: string): Step => ({
  name,
  open: async (page) => {
    if (!(await present(page, opener))) return null;
    await page.locator(opener).first().click();
    await page.locator(`${byId(screenId)}:not([aria-busy="true"])`).waitFor(WAIT);
    if (ready) await page.locator(`${byId(screenId)} ${ready}`).first().waitFor(WAIT);
    return { name, scope: byId(screenId) };
  },
  close: async (page) => {
    await page.locator(`${byId(screenId)} [data-testid$="back-button"]`).first().click();
    await page.locator(byId(screenId)).waitFor({ state: 'detached', ...WAIT });
  },
});

/** The first of `candidates` (CSS selectors) in the page, for screens whose controls other work names. */
const firstPresent = async (page: Page, candidates: readonly string[]) => {
  for (const c of candidates) if (await present(page, c)) return c;
  return null;
};

/**
 * A screen that may not exist yet, opened by the first control found among `openers` and seen
 * in the first of `screens`; closed with its in-page back button, else Escape.
 */
const optional = (name: string, openers: readonly string[], screens: readonly string[]): Step => {
  let shown: string | null = null;
  return {
    name,
    open: async (page) => {
      const opener = await firstPresent(page, openers);
      if (!opener) return null;
      await page.locator(opener).first().click();
      await page.locator(screens.join(', ')).first().waitFor(WAIT);
      shown = await firstPresent(page, screens);
      return shown ? { name, scope: shown } : null;
    },
    close: async (page) => {
      if (!shown) return;
      const back = page.locator(`${shown} :is([data-testid$="back-button"], [data-testid$="-back"])`).first();
      if ((await back.count()) > 0) await back.click();
      else await page.keyboard.press('Escape');
      await page.locator(shown).waitFor({ state: 'detached', ...WAIT }).catch(() => page.locator(shown!).waitFor({ state: 'hidden', ...WAIT }));
    },
  };
};

const conversations = optional('conversations', [byId('conversations-button')], [byId('conversations-sheet')]);
const tools = optional('writing-tools', [byId('open-tools')], [byId('tools-screen')]);

/** The chat with one answered message: sent, streamed, settled with its cost shown. */
const answered: Step = {
  name: 'chat-answer',
  open: async (page) => {
    if ((await page.locator(byId('job-cost')).count()) === 0) {
      await page.locator(byId('message-input')).fill(TOUR_PROMPT);
      await page.locator(byId('send-button')).click();
      await page.locator(byId('job-cost')).first().waitFor(WAIT);
    }
    return { name: 'chat-answer', scope: 'body' };
  },
  close: async () => {},
};

const STEPS: readonly Step[] = [
  { name: 'chat-empty', open: async () => ({ name: 'chat-empty', scope: 'body' }), close: async () => {} },
  sheet('attestation-sheet', byId('attestation-badge'), 'attestation-sheet'),
  sheet('max-price-sheet', byId('max-price-button'), 'max-price-sheet'),
  pushed('credits', byId('credits-pill'), 'credits-screen', `${byId('credits-balance')}[data-micro]`),
  pushed('developer', byId('developer-button'), 'developer-screen', `${byId('developer-balance')}[data-micro]`),
  pushed('about', byId('about-button'), 'about-screen', byId('about-build-status')),
  pushed('my-gpus', byId('owner-button'), 'owner-screen'),
  tools,
  answered,
  conversations,
];

/**
 * Visits every screen of an opened app in turn, calling `visit` on each while it is shown;
 * `skipped` hears the screens this build does not have.
 */
export async function tourScreens(page: Page, visit: (stop: TourStop) => Promise<void>, skipped: (name: string) => void = () => {}): Promise<void> {
  for (const step of STEPS) {
    const stop = await step.open(page);
    if (!stop) {
      skipped(step.name);
      continue;
    }
    // Fonts and the sheet's fade settle before a scan or a picture.
    await page.evaluate('document.fonts.ready');
    await visit(stop);
    await step.close(page);
  }
}
