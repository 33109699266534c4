import { z } from 'zod';
import { signedInitData } from './support/chat-client';
import { E2E_BOT_TOKEN, expect, TELEGRAM_THEMES, test } from './support/fixtures';

const micro = async (el: import('@playwright/test').Locator) => BigInt((await el.getAttribute('data-micro')) ?? 'NaN');

const TEXT = `Cocoon runs AI models inside attested GPU enclaves.
Each message is encrypted on the phone for one enclave, so the broker in between relays it without reading it.
The receipt signed by the enclave says how many tokens were used, and the app checks the charge against it.`;

test.describe('at 320 px in the dark theme', () => {
  test.use({ viewport: { width: 320, height: 640 } });

  test('a pasted text is summarised: the result streams in, is billed by its signed receipt, and copies', async ({ page: fresh, openApp, stack }) => {
    // A max price per message of 2 credits keeps the demo model's summary short (and the test quick).
    await fresh.addInitScript(() => localStorage.setItem('cocoon.maxPricePerMessage', '2000000'));
    const page = await openApp({ id: 31415, first_name: 'Rosalind' }, { theme: 'dark' });
    const balance = page.getByTestId('credits-balance');
    await expect(balance).toHaveAttribute('data-micro', /^\d+$/);
    const before = await micro(balance);

    await page.getByTestId('open-tools').click();
    const screen = page.getByTestId('tools-screen');
    await expect(screen).toBeVisible();
    await expect(screen.getByTestId('tool-summarize')).toHaveAttribute('aria-checked', 'true');

    const input = screen.getByTestId('tool-input');
    await input.fill(TEXT);
    // Return inserts a new line; nothing is sent from the keyboard.
    await input.press('End');
    await input.press('Enter');
    await expect(input).toHaveValue(`${TEXT}\n`);
    await expect(screen.getByTestId('tool-counter')).toHaveText(`${TEXT.length + 1} / 12,000`);
    await expect(screen.getByTestId('tool-hint')).toHaveText(/Costs at most [\d.]+ credits/);
    // Every tap target on the screen is at least 44 px high, and nothing is wider than the screen.
    for (const id of ['tool-summarize', 'tool-grammar', 'tool-clear', 'tool-run']) expect((await screen.getByTestId(id).boundingBox())?.height).toBeGreaterThanOrEqual(44);
    expect(z.number().parse(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(320);

    await screen.getByTestId('tool-run').click();
    const result = screen.getByTestId('tool-result');
    await expect(result.getByTestId('tool-result-text')).not.toBeEmpty();
    const cost = result.getByTestId('job-cost');
    await expect(cost).toHaveAttribute('data-check', 'ok');
    await expect(result).toHaveAttribute('data-status', 'done');
    const charged = await micro(cost);
    expect(charged).toBeGreaterThan(0n);
    // The tool's system prompt went with the text: more prompt tokens than the text alone.
    expect(Number(await cost.getAttribute('data-prompt-tokens'))).toBeGreaterThan(0);

    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.appUrl });
    await result.getByTestId('tool-copy').click();
    await expect(result.getByTestId('tool-copy')).toHaveText('Copied');
    const copied = z.string().parse(await page.evaluate('navigator.clipboard.readText()'));
    expect(copied.length).toBeGreaterThan(0);
    expect(copied.replace(/\s+/g, ' ').trim()).toBe((await result.getByTestId('tool-result-text').innerText()).replace(/\s+/g, ' ').trim());
    await expect(result.getByTestId('tool-share')).toBeVisible();

    // Back in the chat, the balance went down by exactly what the receipt billed.
    await page.getByTestId('tools-back').click();
    await expect(screen).toBeHidden();
    await expect.poll(() => micro(balance)).toBe(before - charged);
  });
});

test('a startapp link opens the tools with Translate chosen, in Russian', async ({ page, stack }) => {
  const initData = signedInitData(E2E_BOT_TOKEN, { id: 27182, first_name: 'Sofia', language_code: 'ru' });
  const hash = new URLSearchParams({ tgWebAppData: initData, tgWebAppVersion: '8.0', tgWebAppPlatform: 'tdesktop', tgWebAppThemeParams: JSON.stringify(TELEGRAM_THEMES.light), tgWebAppStartParam: 'tool-translate-de' });
  await page.goto(`${stack.appUrl}/#${hash.toString()}`);
  const screen = page.getByTestId('tools-screen');
  await expect(screen).toBeVisible();
  await expect(screen.getByRole('heading', { name: 'Инструменты для текста' })).toBeVisible();
  await expect(screen.getByTestId('tool-translate')).toHaveAttribute('aria-checked', 'true');
  await expect(screen.getByTestId('translate-language')).toHaveValue('de');
  // A text over the limit is refused before sending, with the reason.
  await screen.getByTestId('tool-input').fill('а'.repeat(12_003));
  await expect(screen.getByTestId('tool-counter')).toHaveAttribute('data-over', 'true');
  await expect(screen.getByTestId('tool-hint')).toHaveText(/На 3 символа длиннее допустимого/);
  await expect(screen.getByTestId('tool-run')).toBeDisabled();
  // Back to the chat underneath.
  await screen.getByTestId('tools-back').click();
  await expect(page.getByTestId('empty-state')).toBeVisible();
});
