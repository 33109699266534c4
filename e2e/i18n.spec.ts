import { expect, test } from './support/fixtures';

/** The first visible pack's name, and whether any pack name is cut (wider content than its box). */
const packNamesCut = "[...document.querySelectorAll('[data-testid=credit-pack-name]')].filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent)";

test.describe('Russian', () => {
  test('a Russian Telegram user gets the app and the Credits screen in Russian, numbers included', async ({ openApp }) => {
    const page = await openApp({ id: 9501, first_name: 'Ира' }, { languageCode: 'ru' });
    await expect(page.getByTestId('message-input')).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'ru');

    await page.getByTestId('credits-pill').click();
    const screen = page.getByTestId('credits-screen');
    await expect(screen.getByRole('heading', { level: 1 })).toHaveText('Кредиты');
    await expect(screen.getByText('Купить кредиты')).toBeVisible();

    // The default packs: 10 / 50 / 200 credits for 50 / 225 / 800 Stars or 0.1 / 0.5 / 2 TON.
    const pack = screen.locator('[data-testid="credit-pack"][data-pack-id="pack-50"]');
    await expect(pack.getByTestId('credit-pack-name')).toHaveText('50 кредитов');
    await expect(pack.getByTestId('credit-pack-worth')).toHaveText(/^1 кредит = 4,5 звезды( или 0,01 TON)?$/);
    await expect(pack.getByTestId('credit-pack-messages')).toHaveText(/^≈ \d+ сообщени(е|я|й)$/);
    await expect(pack.getByTestId('credit-pack-saving')).toHaveText('Выгода 10%');
    await expect(screen.getByTestId('credits-history')).toContainText('История');
  });
});

test.describe('320 px', () => {
  test.use({ viewport: { width: 320, height: 640 } });

  test('pack names are whole on a narrow phone, in English and in Russian', async ({ openApp, page: tab }) => {
    for (const languageCode of ['en', 'ru']) {
      // A new load for the second language: opening the app again changes only the URL's hash.
      await tab.goto('about:blank');
      const page = await openApp({ id: 9502, first_name: 'Narrow' }, { languageCode });
      await page.getByTestId('credits-pill').click();
      const names = page.getByTestId('credit-pack-name');
      await expect(names).toHaveCount(3);
      await expect(names.first()).toHaveText(languageCode === 'ru' ? '10 кредитов' : '10 credits');
      expect(await page.evaluate(packNamesCut)).toEqual([]);
      const overflow = await page.evaluate("document.querySelector('[data-testid=credits-screen] main').scrollWidth - document.querySelector('[data-testid=credits-screen] main').clientWidth");
      expect(overflow).toBe(0);
    }
  });
});
