import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { DevTonTestWalletResponseSchema } from '@cocoon/shared/protocol/ton-dev';
import { signedInitData } from './support/chat-client';
import { E2E_BOT_TOKEN, expect, test, type E2EStack } from './support/fixtures';

/*
 * Issue 11's journey, end to end on the embedded stack: an owner proves the dev test wallet with a
 * real ton_proof, taps Add machine and runs the command the screen shows (a real host agent
 * process, simulated TEE, the demo engine); the machine appears online with its models; a chat
 * user's paid job runs on it; its earnings become withdrawable after the (shortened) settlement
 * delay; the owner withdraws and the TON arrives in the wallet on the local sandbox chain, with the
 * transaction hash in the payout history.
 */
test.use({
  devMode: true,
  brokerEnv: {
    // Earnings are withdrawable 30 s after their job instead of a day.
    SETTLEMENT_DELAY_S: '30',
    // A little promotional credit, then bought credits: the machine earns both, only the bought part is withdrawable.
    STARTER_CREDITS: '2000',
    PAYOUT_MIN: '10000',
    PAYOUT_FEE_NANO: '20000',
  },
});

const HOST_MAIN = fileURLToPath(new URL('../host/main.ts', import.meta.url));
const OWNER = { id: 9301, first_name: 'Olga' };
const CUSTOMER = { id: 9302, first_name: 'Chad' };

const micro = async (el: Locator) => BigInt((await el.getAttribute('data-micro')) ?? 'NaN');

async function open(page: Page, stack: E2EStack, user: { id: number; first_name: string }): Promise<void> {
  await page.goto('about:blank');
  const hash = new URLSearchParams({ tgWebAppData: signedInitData(E2E_BOT_TOKEN, user), tgWebAppVersion: '8.0', tgWebAppPlatform: 'ios', tgWebAppThemeParams: JSON.stringify({ bg_color: '#ffffff', text_color: '#000000', button_color: '#2481cc', button_text_color: '#ffffff', hint_color: '#999999', secondary_bg_color: '#f0f0f0' }) });
  await page.goto(`${stack.appUrl}/#${hash.toString()}`);
}

/** Runs the command exactly as shown (`npx cocoon-host enroll <token> --broker <url>`), through this checkout's agent. */
function runShownCommand(command: string, stack: E2EStack, keyDir: string, output: string[]): ChildProcess {
  const args = command.trim().split(/\s+/);
  expect(args.slice(0, 3)).toEqual(['npx', 'cocoon-host', 'enroll']);
  const engine = stack.engine.config;
  const child = spawn(process.execPath, ['--import', 'tsx', HOST_MAIN, ...args.slice(2)], {
    env: {
      ...process.env,
      // What the machine's own config file says: where its node key lives, its TEE and its engine.
      COCOON_NODE_KEY_FILE: join(keyDir, 'node.key'),
      COCOON_METRICS_ADDR: 'off',
      COCOON_TEE: 'simulated',
      COCOON_ENGINE_URL: engine.url,
      COCOON_ENGINE_NAME: engine.name,
      COCOON_ENGINE_IMAGE: engine.imageDigest,
      COCOON_ENGINE_VERSION: engine.version,
      COCOON_ENGINE_ARGS: JSON.stringify(engine.args),
      COCOON_MODEL_DIGESTS: JSON.stringify(engine.modelDigests),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const s of [child.stdout, child.stderr]) s.setEncoding('utf8').on('data', (d: string) => output.push(d));
  return child;
}

test('an owner adds a machine from the phone, it serves a chat user, earns, and the owner withdraws TON to the proven wallet', async ({ browser, stack }) => {
  test.setTimeout(240_000);
  const keyDir = mkdtempSync(join(tmpdir(), 'cocoon-owner-host-'));
  const agentOutput: string[] = [];
  let agent: ChildProcess | undefined;
  const ownerContext = await browser.newContext();
  const customerContext = await browser.newContext();
  try {
    const owner = await ownerContext.newPage();
    await open(owner, stack, OWNER);
    await owner.getByTestId('owner-button').click();
    const screen = owner.getByTestId('owner-screen');

    // 1. The payout wallet: the injected test wallet signs a real ton_proof, checked by the broker.
    await screen.getByTestId('owner-connect-wallet').click();
    const devWallet = DevTonTestWalletResponseSchema.parse(await (await owner.request.get(`${stack.appUrl}/api/dev/ton/test-wallet`)).json());
    await expect(screen.getByTestId('owner-payout-address')).toHaveAttribute('data-address', devWallet.friendly);

    // 2. Add machine: the one-time command, run as shown; the wait turns into the machine's card.
    await owner.getByTestId('add-machine-button').click();
    const sheet = owner.getByTestId('add-machine-sheet');
    const command = await sheet.getByTestId('enroll-command').innerText();
    agent = runShownCommand(command, stack, keyDir, agentOutput);
    await expect(sheet.getByTestId('enroll-done')).toBeVisible({ timeout: 90_000 });
    await sheet.getByTestId('enroll-finish').click();
    const card = screen.getByTestId('machine-card');
    await expect(card).toHaveCount(1);
    const hostId = await card.getAttribute('data-machine-id');
    expect(hostId).toMatch(/^[a-z2-7]{52}$/);
    expect(agentOutput.join('')).toContain(`cocoon-host ${hostId} is online`);
    await expect(card).toHaveAttribute('data-status', 'online');
    await expect(card.getByTestId('machine-models')).toContainText(Object.keys(stack.engine.config.modelDigests)[0]!);
    await expect(card.getByTestId('machine-gpus')).toBeVisible();

    // Half the base price: the cheapest machine online, so the network sends the next chat to it.
    await card.getByTestId('coefficient-input').fill('0.5');
    await card.getByTestId('coefficient-save').click();
    await expect(card.getByTestId('coefficient-input')).toHaveValue('0.5');

    // 3. A chat user buys credits with Stars (test payment) and asks a question: it runs on the new machine.
    const customer = await customerContext.newPage();
    await open(customer, stack, CUSTOMER);
    await customer.getByTestId('credits-pill').click();
    const credits = customer.getByTestId('credits-screen');
    await credits.locator('[data-testid="credit-pack"][data-pack-id="pack-10"]').getByTestId('buy-stars-button').click();
    await customer.getByTestId('test-invoice-pay').click();
    await expect(credits.getByTestId('topup-status')).toHaveAttribute('data-state', 'success', { timeout: 30_000 });
    await open(customer, stack, CUSTOMER);
    await customer.getByTestId('message-input').fill('What does a GPU owner earn?');
    await customer.getByTestId('send-button').click();
    const cost = customer.getByTestId('job-cost');
    await expect(cost).toBeVisible({ timeout: 60_000 });
    const charged = await micro(cost);
    expect(charged).toBeGreaterThan(2000n);

    // 4. The owner sees the job and its earnings: pending first, withdrawable after the settlement delay.
    await owner.reload();
    await owner.getByTestId('owner-button').click();
    await expect(card.getByTestId('machine-jobs')).toHaveText('1');
    expect(await micro(screen.getByTestId('owner-pending'))).toBeGreaterThan(0n);
    expect(await micro(screen.getByTestId('owner-withdrawable'))).toBe(0n);
    // The first 2,000 micro-credits of the job were the customer's starter credits: earned, never withdrawable.
    expect(await micro(screen.getByTestId('owner-promotional-amount'))).toBeGreaterThan(0n);
    let withdrawable = 0n;
    await expect
      .poll(
        async () => {
          await owner.reload();
          await owner.getByTestId('owner-button').click();
          withdrawable = await micro(owner.getByTestId('owner-withdrawable'));
          return withdrawable;
        },
        { timeout: 90_000, intervals: [3_000] },
      )
      .toBeGreaterThan(0n);
    // The host's share of the bought part (the network keeps its fee; the starter credits paid the rest, never withdrawable).
    expect(withdrawable).toBeLessThan(charged);

    // 5. Withdraw everything: the fee and what arrives are shown before confirming with the Main Button.
    const before = BigInt(DevTonTestWalletResponseSchema.parse(await (await owner.request.get(`${stack.appUrl}/api/dev/ton/test-wallet`)).json()).balance);
    await owner.getByTestId('withdraw-button').click();
    await expect(owner.getByTestId('withdraw-fee')).toHaveAttribute('data-nano', '20000');
    const arrives = BigInt((await owner.getByTestId('withdraw-arrives').getAttribute('data-nano')) ?? 'NaN');
    expect(arrives).toBeGreaterThan(0n);
    await owner.getByTestId('tg-main-button').click();

    // 6. The payout is confirmed from the chain; the TON is in the owner's wallet; the history shows the hash.
    const payout = owner.getByTestId('payout-item').first();
    await expect(payout).toHaveAttribute('data-status', 'confirmed', { timeout: 60_000 });
    await expect(payout.getByTestId('payout-tx-hash')).toHaveText(/[0-9a-f]{8}/);
    await expect
      .poll(async () => BigInt(DevTonTestWalletResponseSchema.parse(await (await owner.request.get(`${stack.appUrl}/api/dev/ton/test-wallet`)).json()).balance), { timeout: 30_000 })
      // What arrived, less the receiving wallet's own (tiny) transaction fee.
      .toBeGreaterThan(before + arrives - 5_000_000n);
    await owner.reload();
    await owner.getByTestId('owner-button').click();
    await expect(owner.getByTestId('owner-withdrawable')).toHaveAttribute('data-micro', '0');
  } finally {
    agent?.kill('SIGTERM');
    await ownerContext.close();
    await customerContext.close();
    rmSync(keyDir, { recursive: true, force: true });
  }
});
