import type { Page } from '@playwright/test';
import { z } from 'zod';
import { ENROLL_TOKEN_TTL_S } from '@cocoon/shared/protocol/owner';
import { DevTonTestWalletResponseSchema } from '@cocoon/shared/protocol/ton-dev';
import { signedInitData } from './support/chat-client';
import { E2E_BOT_TOKEN, expect, test } from './support/fixtures';

// The dev broker's routes: the local TON chain's test wallet, injected into the app through TonConnect.
test.use({ devMode: true });

const OWNER = { id: 9101, first_name: 'Gia' };

const light = { bg_color: '#ffffff', secondary_bg_color: '#efeff4', section_bg_color: '#ffffff', header_bg_color: '#ffffff', text_color: '#000000', hint_color: '#8e8e93', link_color: '#007aff', button_color: '#007aff', button_text_color: '#ffffff', destructive_text_color: '#ff3b30', section_header_text_color: '#6d6d72', section_separator_color: '#c8c7cc' };
const dark = { bg_color: '#17212b', secondary_bg_color: '#232e3c', section_bg_color: '#17212b', header_bg_color: '#17212b', text_color: '#f5f5f5', hint_color: '#708499', link_color: '#6ab3f3', button_color: '#5288c1', button_text_color: '#ffffff', destructive_text_color: '#ec3942', section_header_text_color: '#6ab3f3', section_separator_color: '#0d1117' };

/** Opens the app as `user` in a Telegram theme, with CSP violations recorded (page code as text: the Node typings have no DOM). */
async function openThemed(page: Page, appUrl: string, user: { id: number; first_name: string }, theme: Record<string, string>) {
  await page.addInitScript({ content: "window.cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber));" });
  // Screens slide in; the layout checks look at where they come to rest.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto('about:blank'); // a new hash alone would not reload the app
  const hash = new URLSearchParams({ tgWebAppData: signedInitData(E2E_BOT_TOKEN, user), tgWebAppVersion: '8.0', tgWebAppPlatform: 'ios', tgWebAppThemeParams: JSON.stringify(theme) });
  await page.goto(`${appUrl}/#${hash.toString()}`);
  await page.getByTestId('owner-button').click();
  const screen = page.getByTestId('owner-screen');
  await expect(screen).toBeVisible();
  return screen;
}

/** Elements wider than the viewport or sticking out of it on the right (a horizontal scroll on a phone). */
const overflowing = (page: Page) =>
  page.evaluate(`(() => {
    const w = document.documentElement.clientWidth;
    const out = [];
    if (document.documentElement.scrollWidth > w) out.push('document ' + document.documentElement.scrollWidth);
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && r.right > w + 0.5 && getComputedStyle(el).visibility !== 'hidden') out.push((el.getAttribute('data-testid') || el.tagName) + ' ' + Math.round(r.right));
    }
    return out;
  })()`);

/**
 * The page's CSP violations, less TonConnect UI's `ontouchstart=""` on <body> (an empty inline handler
 * it sets for iOS :active styles; refused, nothing runs, the Credits screen has it too).
 */
const cspViolations = async (page: Page) => z.array(z.string()).parse(await page.evaluate('window.cspViolations')).filter((v) => !v.startsWith('script-src-attr inline'));

test('a new owner proves the test wallet as payout address, adds a machine and sees its one-time command, QR code and live wait', async ({ page, stack }) => {
  const screen = await openThemed(page, stack.appUrl, OWNER, light);

  // Onboarding: what owning a machine means, then a real ton_proof from the injected test wallet.
  const onboarding = screen.getByTestId('owner-onboarding');
  await expect(onboarding).toContainText('Earn TON with your GPU');
  await expect(onboarding).toContainText('Paid per task');
  await expect(onboarding).toContainText('Reliability pays');
  await screen.getByTestId('owner-connect-wallet').click();
  const address = screen.getByTestId('owner-payout-address');
  await expect(address).toBeVisible();
  const devWallet = DevTonTestWalletResponseSchema.parse(await (await page.request.get(`${stack.appUrl}/api/dev/ton/test-wallet`)).json());
  expect((await address.getAttribute('data-raw'))?.toLowerCase()).toBe(devWallet.address.toLowerCase());
  await expect(address).toHaveAttribute('data-address', devWallet.friendly);
  await expect(onboarding).toBeHidden();

  // The owner's screen: no machines yet, nothing to withdraw, the promotional note, the chart (uPlot, loaded lazily).
  await expect(screen.getByTestId('machines-empty')).toBeVisible();
  await expect(screen.getByTestId('owner-withdrawable')).toHaveAttribute('data-micro', '0');
  await expect(screen.getByTestId('withdraw-button')).toBeDisabled();
  await expect(screen.getByTestId('owner-promotional')).toContainText('Earned with free starter credits — shown, never paid out as TON');
  await expect(screen.getByTestId('earnings-chart').locator('canvas')).toBeVisible();
  await screen.getByTestId('earnings-period-30').click();
  await expect(screen.getByTestId('earnings-period-30')).toHaveAttribute('aria-checked', 'true');
  await expect(screen.getByTestId('payouts-empty')).toBeVisible();

  // Notifications: on by default, off after a tap (PATCH /api/owner/settings, read back from the broker).
  const notifications = screen.getByTestId('owner-notifications');
  await expect(notifications).toBeChecked();
  await screen.getByTestId('owner-notifications-toggle').click();
  await expect(notifications).not.toBeChecked();
  await page.reload();
  await page.getByTestId('owner-button').click();
  await expect(page.getByTestId('owner-notifications')).not.toBeChecked();

  // Add machine: one command, copyable and as a QR code, valid for the enrollment TTL, and a live wait.
  await page.getByTestId('add-machine-button').click();
  const sheet = page.getByTestId('add-machine-sheet');
  const command = sheet.getByTestId('enroll-command');
  await expect(command).toHaveText(/^npx cocoon-host enroll \S{16,} --broker http:\/\/\S+$/);
  await expect(sheet.getByTestId('enroll-qr')).toBeVisible();
  expect(Number(await sheet.getByTestId('enroll-qr').getAttribute('data-modules'))).toBeGreaterThanOrEqual(21);
  const expiry = sheet.getByTestId('enroll-expiry');
  const minutes = Math.floor(ENROLL_TOKEN_TTL_S / 60);
  await expect(expiry).toContainText(new RegExp(`for (${minutes}:00|${minutes - 1}:[0-5]\\d) more`));
  await expect(sheet.getByTestId('enroll-waiting')).toContainText('Waiting for your machine…');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.appUrl });
  await sheet.getByTestId('enroll-command-copy').click();
  await expect(sheet.getByTestId('enroll-command-copy')).toHaveText('Copied');
  expect(z.string().parse(await page.evaluate('navigator.clipboard.readText()'))).toBe(await command.innerText());

  // Closing and reopening the sheet shows the same command: it is still waiting to be used.
  const first = await command.innerText();
  await sheet.getByRole('button', { name: 'Done' }).click();
  await expect(sheet).toBeHidden();
  await page.getByTestId('add-machine-button').click();
  await expect(sheet.getByTestId('enroll-command')).toHaveText(first);
  await expect(sheet.getByTestId('enroll-waiting')).toBeVisible();

  expect(await cspViolations(page)).toEqual([]);
});

for (const [name, theme, userId] of [['light', light, 9102], ['dark', dark, 9103]] as const) {
  test(`the owner screens fit a 320 px phone in the ${name} theme`, async ({ page, stack }) => {
    await page.setViewportSize({ width: 320, height: 640 });
    const screen = await openThemed(page, stack.appUrl, { id: userId, first_name: 'Pat' }, theme);
    const bg = await screen.evaluate('getComputedStyle(document.querySelector("[data-testid=owner-screen]")).backgroundColor');
    expect(bg).toBe(name === 'dark' ? 'rgb(35, 46, 60)' : 'rgb(239, 239, 244)');

    // Onboarding, then the owner's screen (machines, earnings with the chart, payouts, settings), then Add machine.
    await expect(screen.getByTestId('owner-onboarding')).toBeVisible();
    expect(await overflowing(page)).toEqual([]);
    await screen.getByTestId('owner-connect-wallet').click();
    await expect(screen.getByTestId('owner-payout-address')).toBeVisible();
    await expect(screen.getByTestId('earnings-chart').locator('canvas')).toBeVisible();
    await expect(screen.getByTestId('payouts-empty')).toBeVisible();
    expect(await overflowing(page)).toEqual([]);
    await page.getByTestId('add-machine-button').click();
    await expect(page.getByTestId('enroll-command')).toBeVisible();
    expect(await overflowing(page)).toEqual([]);
    // The command wraps inside the sheet instead of scrolling sideways.
    const box = await page.getByTestId('enroll-command').boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(320);
    expect(await cspViolations(page)).toEqual([]);
  });
}
