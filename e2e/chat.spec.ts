import { costOf } from '@cocoon/shared/pricing';
import { expect, test } from './support/fixtures';

const micro = async (el: import('@playwright/test').Locator) => BigInt((await el.getAttribute('data-micro')) ?? 'NaN');

test('a user opens the app, chats, sees the answer stream in and pays exactly the receipt', async ({ openApp }) => {
  const page = await openApp();
  const balance = page.getByTestId('credits-balance');
  await expect(balance).toHaveAttribute('data-micro', /^\d+$/);
  const before = await micro(balance);
  await expect(page.getByTestId('attestation-badge')).toContainText(/simulated/i);

  await page.getByTestId('message-input').fill('Tell me about free software');
  await page.getByTestId('send-button').click();
  await expect(page.getByTestId('message-user')).toHaveText('Tell me about free software');

  const answer = page.getByTestId('message-assistant').last();
  // Streaming: text appears before the job is settled.
  await expect(answer).not.toBeEmpty();
  const cost = page.getByTestId('job-cost');
  await expect(cost).toBeVisible();
  expect((await answer.innerText()).trim().split(/\s+/).length).toBeGreaterThan(2);

  const charged = await micro(cost);
  const promptTokens = Number(await cost.getAttribute('data-prompt-tokens'));
  const completionTokens = Number(await cost.getAttribute('data-completion-tokens'));
  expect(promptTokens).toBeGreaterThan(0);
  expect(completionTokens).toBeGreaterThan(0);
  expect(charged).toBe(costOf({ promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n }, { promptTokens, completionTokens }));
  await expect.poll(() => micro(balance)).toBe(before - charged);
});

test('the attestation sheet shows what was verified and warns that the TEE is simulated', async ({ openApp }) => {
  const page = await openApp({ id: 5150, first_name: 'Grace' });
  await page.getByTestId('attestation-badge').click();
  const sheet = page.getByTestId('attestation-sheet');
  await expect(sheet).toBeVisible();
  await expect(sheet).toContainText(/simulated/i);
  await expect(sheet).toContainText(/not confidential/i);
  await expect(sheet).toContainText('quote.signature');
  await expect(sheet).toContainText('claims.report_data_binding');
  // The e2e build pins no operator key: no signed policy applies, and the sheet says so.
  await expect(sheet.getByTestId('attestation-check').filter({ hasText: 'policy.signature' })).toHaveAttribute('data-result', 'skipped');
  await expect(sheet.getByTestId('policy-source')).toHaveAttribute('data-source', 'unpinned');
});

test('the max price per message is shown with the host\'s price, remembered on this device, and holds every message to it', async ({ openApp }) => {
  const page = await openApp({ id: 7070, first_name: 'Linus' });
  const balance = page.getByTestId('credits-balance');
  await expect(balance).toHaveAttribute('data-micro', /^\d+$/);
  const button = page.getByTestId('max-price-button');
  await expect(button).toHaveText(/Max 5 credits per message/);
  await expect(page.getByTestId('attestation-badge')).toContainText(/simulated/i);

  await button.click();
  const sheet = page.getByTestId('max-price-sheet');
  await expect(sheet.getByTestId('host-price')).toHaveText('1 in · 2 out');
  // (1,040 sealed bytes + 512) prompt tokens and 1,024 completion tokens ("Normal" answers) at 1 and 2 credits per 1K.
  await expect(sheet.getByTestId('full-answer-cost')).toHaveText('up to 3.6 credits');
  await sheet.getByTestId('max-price-input').fill('0.5');
  await expect(sheet.getByTestId('max-price-effect')).toContainText('nothing can be sent');
  await sheet.getByRole('button', { name: 'Done' }).click();
  await expect(button).toHaveAttribute('data-micro', '500000');

  // Below the host's price for any answer: refused on the device, nothing sent or charged.
  const before = await micro(balance);
  await page.getByTestId('message-input').fill('What is copyleft?');
  await page.getByTestId('send-button').click();
  const refused = page.getByTestId('message-assistant').last();
  await expect(refused).toHaveAttribute('data-status', 'failed');
  await expect(refused.getByTestId('job-uncharged')).toHaveText(/Nothing was charged/);
  await expect(page.getByTestId('error-banner')).toHaveAttribute('data-code', 'job.price_above_limit');
  expect(await micro(balance)).toBe(before);

  // Remembered on this device.
  await page.reload();
  await expect(page.getByTestId('max-price-button')).toHaveAttribute('data-micro', '500000');
  await page.getByTestId('max-price-button').click();
  await expect(page.getByTestId('max-price-input')).toHaveValue('0.5');
  await page.getByTestId('max-price-input').fill('1.8');
  await expect(page.getByTestId('max-price-effect')).toContainText(/answers stop after 124 tokens/);
  await page.getByRole('button', { name: 'Done' }).click();

  // Under a max that allows a shorter answer, the answer fits it: never charged above the max.
  await page.getByTestId('message-input').fill('What is copyleft?');
  await page.getByTestId('send-button').click();
  const cost = page.getByTestId('job-cost');
  await expect(cost).toHaveAttribute('data-check', 'ok');
  expect(Number(await cost.getAttribute('data-completion-tokens'))).toBeLessThanOrEqual(124);
  expect(await micro(cost)).toBeLessThanOrEqual(1_800_000n);
});
