import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ErrorResponseSchema } from '@cocoon/shared/protocol/api';
import { USAGE_CSV_COLUMNS } from '@cocoon/shared/protocol/developer';
import { chat } from './support/chat-client';
import { expect, test } from './support/fixtures';

const MODEL = 'cocoon-demo-bigram';

test('a developer creates an API key, sees it once, sees its requests at their exact cost, and revokes it', async ({ openApp, stack, page }) => {
  // (Page code as text: this project's Node typings have no DOM.)
  await page.addInitScript({ content: "window.cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));" });
  await openApp({ id: 8101, first_name: 'Devi' });
  await page.getByTestId('developer-button').click();
  const screen = page.getByTestId('developer-screen');
  await expect(screen).toBeVisible();
  await expect(screen.getByTestId('developer-balance')).toHaveAttribute('data-micro', /^\d+$/);
  await expect(screen.getByTestId('api-keys-empty')).toBeVisible();
  await expect(screen.getByTestId('proxy-command')).toContainText(`npx cocoon-proxy --broker ${stack.appUrl}`);

  // Create: a name and a daily budget; the key is shown once, with Copy.
  await screen.getByTestId('create-key-button').click();
  const sheet = page.getByTestId('create-key-sheet');
  await sheet.getByTestId('key-name-input').fill('ci-bot');
  await sheet.getByTestId('key-limit-daily').fill('5');
  await sheet.getByTestId('create-key-submit').click();
  const secretEl = sheet.getByTestId('new-key-secret');
  await expect(secretEl).toHaveText(/^sk-cocoon-[A-Za-z0-9_-]{43}$/);
  const secret = (await secretEl.innerText()).trim();
  await expect(sheet).toContainText('shown only this once');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.appUrl });
  await sheet.getByTestId('copy-key-button').click();
  await expect(sheet.getByTestId('copy-key-button')).toHaveText('Copied');
  expect(z.string().parse(await page.evaluate('navigator.clipboard.readText()'))).toBe(secret);
  await sheet.getByTestId('new-key-done').click();
  await expect(sheet).toBeHidden();

  // Listed by its prefix only: the rest of the key is nowhere on the page any more.
  const row = screen.getByTestId('api-key-row').filter({ hasText: 'ci-bot' });
  await expect(row.getByTestId('api-key-prefix')).toHaveText(`${secret.slice(0, 16)}…`);
  await expect(row).toContainText('0 of 5 today');
  await expect(row).toContainText('Never used');
  expect(await page.content()).not.toContain(secret.slice(16));

  // A program uses the key (as the proxy does: HTTP and the client socket): its request shows in usage at the charge it settled at.
  const answer = await chat(stack.url, secret, { model: MODEL, request: { messages: [{ role: 'user', content: 'Hello from the API' }], seed: 3 }, maxTokens: 16 });
  await page.getByTestId('developer-back-button').click();
  await page.getByTestId('developer-button').click();
  const item = screen.getByTestId('usage-item');
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-cost', String(answer.charged));
  await expect(item).toHaveAttribute('data-status', 'settled');
  await expect(item).toContainText('ci-bot');
  await expect(row.getByTestId('api-key-spent')).toHaveAttribute('data-today', String(answer.charged));
  await expect(row).toContainText('Last used');

  // CSV export through Telegram's download (the mocked client downloads it in the browser).
  const download = page.waitForEvent('download');
  await screen.getByTestId('export-usage-button').click();
  const csv = readFileSync(z.string().parse(await (await download).path()), 'utf8').trimEnd().split('\r\n');
  expect(csv[0]).toBe(USAGE_CSV_COLUMNS.join(','));
  expect(csv).toHaveLength(2);
  expect(csv[1]!.split(',')[8]).toBe(String(answer.charged));

  // Revoke, after confirming: the key stops working at once.
  await row.getByTestId('revoke-key-button').click();
  const confirm = page.getByTestId('revoke-key-sheet');
  await expect(confirm).toContainText('ci-bot');
  await confirm.getByTestId('revoke-key-confirm').click();
  await expect(confirm).toBeHidden();
  await expect(row).toHaveAttribute('data-revoked', 'true');
  await expect(row).toContainText('Revoked');
  await expect(row.getByTestId('revoke-key-button')).toHaveCount(0);
  const refused = await page.request.get(`${stack.appUrl}/api/me`, { headers: { authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
  expect(ErrorResponseSchema.parse(await refused.json()).error.code).toBe('apikey.revoked');

  await page.getByTestId('developer-back-button').click();
  await expect(screen).toBeHidden();
  await expect(page.getByTestId('message-input')).toBeVisible();
  expect(z.array(z.string()).parse(await page.evaluate('window.cspViolations'))).toEqual([]);
});

test('the Developer screen fits a 320 px phone and its Top up opens Credits over it', async ({ openApp, page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await openApp({ id: 8102, first_name: 'Narrow' });
  await page.getByTestId('developer-button').click();
  const screen = page.getByTestId('developer-screen');
  await expect(screen.getByTestId('developer-balance')).toBeVisible();
  // Nothing wider than the phone: no sideways scrolling in the page or the screen.
  const overflow = z.array(z.number()).parse(
    await page.evaluate("[document.documentElement, document.querySelector('[data-testid=developer-screen] main')].map((e) => e.scrollWidth - e.clientWidth)"),
  );
  expect(overflow).toEqual([0, 0]);
  await screen.getByTestId('developer-top-up').click();
  await expect(page.getByTestId('credits-screen')).toBeVisible();
  await page.getByTestId('credits-back-button').click();
  await expect(page.getByTestId('credits-screen')).toBeHidden();
  await expect(screen).toBeVisible();
});
