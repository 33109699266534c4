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
