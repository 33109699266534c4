import type { Locator, Page } from '@playwright/test';
import { DevTonTestWalletResponseSchema } from '@cocoon/shared/protocol/ton-dev';
import { expect, test } from './support/fixtures';

// The dev broker's routes: the local TON chain's test wallet and the Bot API stand-in.
test.use({ devMode: true });

const micro = async (el: Locator) => BigInt((await el.getAttribute('data-micro')) ?? 'NaN');

async function openCredits(page: Page): Promise<Locator> {
  await page.getByTestId('credits-pill').click();
  const screen = page.getByTestId('credits-screen');
  await expect(screen).toBeVisible();
  await expect(screen.getByTestId('credits-balance')).toHaveAttribute('data-micro', /^\d+$/);
  return screen;
}

test('a user proves the test wallet with ton_proof, tops up with TON on the local chain and sees the credits arrive', async ({ openApp, stack }) => {
  const page = await openApp({ id: 7001, first_name: 'Tonya' });
  const screen = await openCredits(page);
  const balance = screen.getByTestId('credits-balance');
  const before = await micro(balance);

  // Connect: the injected test wallet signs a real ton_proof; only the broker's check shows the address.
  await screen.getByTestId('ton-connect-button').click();
  const address = screen.getByTestId('ton-wallet-address');
  await expect(address).toBeVisible();
  const devWallet = DevTonTestWalletResponseSchema.parse(await (await page.request.get(`${stack.appUrl}/api/dev/ton/test-wallet`)).json());
  await expect(address).toHaveAttribute('data-address', devWallet.friendly);
  await expect(address).toHaveText(`${devWallet.friendly.slice(0, 4)}…${devWallet.friendly.slice(-4)}`);

  // Top up with a pack's TON price: a signed wallet v4 transfer with the deposit comment.
  const pack = screen.locator('[data-testid="credit-pack"][data-pack-id="pack-10"]');
  await pack.getByTestId('buy-ton-button').click();
  const status = screen.getByTestId('topup-status');
  await expect(status).toHaveAttribute('data-method', 'ton');
  await expect(status).toHaveAttribute('data-state', 'success', { timeout: 60_000 });

  const deposit = screen.locator('[data-testid="history-item"][data-kind="topup_ton"]');
  await expect(deposit).toHaveCount(1);
  const credited = BigInt((await deposit.getAttribute('data-amount')) ?? 'NaN');
  expect(credited).toBe(10_000_000n); // 0.1 TON at the default 100 credits per TON
  await expect(deposit).toContainText('0.1 TON');
  await expect.poll(() => micro(balance)).toBe(before + credited);
  await expect(status).toContainText('+10 credits added');
});

test('a user buys a pack with Stars through the Bot API stand-in and sees it credited', async ({ openApp }) => {
  const page = await openApp({ id: 7002, first_name: 'Stella' });
  const screen = await openCredits(page);
  const balance = screen.getByTestId('credits-balance');
  const before = await micro(balance);
  const pack = screen.locator('[data-testid="credit-pack"][data-pack-id="pack-10"]');
  const status = screen.getByTestId('topup-status');

  // The mocked Telegram's payment sheet says plainly that it is a test; cancelling charges nothing.
  await pack.getByTestId('buy-stars-button').click();
  const sheet = page.getByTestId('test-invoice-sheet');
  await expect(sheet).toBeVisible();
  await expect(sheet).toContainText('Test payment');
  await expect(sheet).toContainText('No real Stars are charged');
  await page.getByTestId('test-invoice-cancel').click();
  await expect(status).toHaveAttribute('data-outcome', 'cancelled');
  expect(await micro(balance)).toBe(before);

  await pack.getByTestId('buy-stars-button').click();
  await page.getByTestId('test-invoice-pay').click();
  await expect(sheet).toBeHidden();
  await expect(status).toHaveAttribute('data-state', 'success', { timeout: 30_000 });

  const purchase = screen.locator('[data-testid="history-item"][data-kind="topup_stars"]');
  await expect(purchase).toHaveCount(1);
  await expect(purchase).toHaveAttribute('data-amount', '10000000');
  await expect(purchase).toContainText('50 Stars');
  await expect.poll(() => micro(balance)).toBe(before + 10_000_000n);
});

test('each answer shows in history at exactly the cost the chat showed for it', async ({ openApp }) => {
  const page = await openApp({ id: 7003, first_name: 'Joby' });
  const screen = await openCredits(page);
  await expect(screen.locator('[data-testid="history-item"][data-kind="starter"]')).toHaveCount(1);
  await screen.getByTestId('credits-back-button').click();
  await expect(screen).toBeHidden();

  await page.getByTestId('message-input').fill('What does a receipt prove?');
  await page.getByTestId('send-button').click();
  const answer = page.getByTestId('message-assistant').last();
  const cost = answer.getByTestId('job-cost');
  await expect(cost).toHaveAttribute('data-check', 'ok');
  const jobId = await answer.getAttribute('data-job-id');
  const charged = await micro(cost);
  const promptTokens = await cost.getAttribute('data-prompt-tokens');
  const completionTokens = await cost.getAttribute('data-completion-tokens');
  const model = await page.getByTestId('model-picker').inputValue();

  await openCredits(page);
  const job = screen.locator(`[data-testid="history-item"][data-kind="job"][data-job-id="${jobId}"]`);
  await expect(job).toHaveAttribute('data-amount', String(-charged));
  await expect(job).toHaveAttribute('data-model', model);
  await expect(job).toHaveAttribute('data-prompt-tokens', promptTokens!);
  await expect(job).toHaveAttribute('data-completion-tokens', completionTokens!);
  await expect(job).toContainText(`${promptTokens} + ${completionTokens} tokens`);
  // Newest first: the answer is above the welcome credits.
  await expect(screen.getByTestId('history-item').first()).toHaveAttribute('data-job-id', jobId!);

  // The conversation survived the visit.
  await screen.getByTestId('credits-back-button').click();
  await expect(page.getByTestId('message-user')).toHaveText('What does a receipt prove?');
});
