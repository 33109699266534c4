import type { Page, WebSocketRoute } from '@playwright/test';
import { expect, test } from './support/fixtures';

const micro = async (page: Page) => BigInt((await page.getByTestId('credits-balance').getAttribute('data-micro')) ?? 'NaN');

/** Sends `text` and waits for the answer to finish: the chat works. */
async function chatWorks(page: Page, text: string) {
  const answers = page.getByTestId('message-assistant');
  const before = await answers.count();
  await page.getByTestId('message-input').fill(text);
  await expect(page.getByTestId('send-button')).toBeEnabled();
  await page.getByTestId('send-button').click();
  const answer = answers.nth(before);
  await expect(answer).toHaveAttribute('data-status', 'done');
  await expect(answer).not.toBeEmpty();
}

test('a Credits chunk that fails to load shows a retry on that screen only; the chat keeps working; retry loads it', async ({ openApp, page }) => {
  let failChunk = true;
  let chunkRequests = 0;
  await page.route('**/assets/lazy-screens-*.js', (route) => {
    chunkRequests++;
    return failChunk ? route.abort('internetdisconnected') : route.continue();
  });
  await openApp({ id: 61001, first_name: 'Flaky' });
  await expect(page.getByTestId('credits-balance')).toHaveAttribute('data-micro', /^\d+$/);

  await page.getByTestId('credits-balance').click();
  const failed = page.getByTestId('screen-failed');
  await expect(failed.getByTestId('screen-error')).toContainText('This screen didn’t load');
  const retry = failed.getByTestId('screen-retry');
  await expect(retry).toHaveText('Try again');
  expect((await retry.boundingBox())?.height).toBeGreaterThanOrEqual(44);
  expect(chunkRequests).toBe(1);

  // Only that screen failed: back in the chat, a message is sent and answered.
  await failed.getByTestId('screen-failed-back-button').click();
  await expect(failed).toHaveCount(0);
  await chatWorks(page, 'Say hello');

  // Opening it again fetches the chunk again (still failing here), rather than repeating the old failure.
  await page.getByTestId('credits-balance').click();
  await expect(failed).toBeVisible();
  expect(chunkRequests).toBe(2);

  failChunk = false;
  await retry.click();
  await expect(page.getByTestId('credits-screen')).toBeVisible();
  await expect(failed).toHaveCount(0);
  expect(chunkRequests).toBe(3);
});

test('a socket that goes silent is noticed within seconds: the message fails clearly, Send waits, and after reconnecting a message works', async ({ openApp, page }) => {
  test.setTimeout(60_000);
  /** Connections through which nothing crosses any more: a network that vanished without a close. */
  const silenced = new Set<WebSocketRoute>();
  const routes: WebSocketRoute[] = [];
  /** New connections are refused (closed at once) while true: the broker is still unreachable. */
  let refuse = false;
  await page.routeWebSocket(/\/api\/ws$/, (ws: WebSocketRoute) => {
    routes.push(ws);
    if (refuse) return void ws.close();
    const server = ws.connectToServer();
    ws.onMessage((m) => void (silenced.has(ws) || server.send(m)));
    server.onMessage((m) => void (silenced.has(ws) || ws.send(m)));
  });
  await openApp({ id: 61002, first_name: 'Dropped' });
  const send = page.getByTestId('send-button');
  await page.getByTestId('message-input').fill('Are you there?');
  await expect(send).toBeEnabled();
  const before = await micro(page);

  // The network drops silently: nothing crosses any more, no close frame.
  routes.forEach((ws) => silenced.add(ws));
  refuse = true;
  const droppedAt = Date.now();
  await send.click();
  const failed = page.getByTestId('message-assistant').last();
  await expect(page.getByTestId('error-banner')).toHaveAttribute('data-code', 'client.connection_lost', { timeout: 15_000 });
  expect(Date.now() - droppedAt).toBeLessThan(12_000);
  await expect(failed).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('error-banner')).toContainText('Connection lost');

  // While it cannot reconnect: the banner says so, and Send is disabled with the reason.
  await expect(page.getByTestId('connection-banner')).toHaveAttribute('data-state', 'reconnecting');
  await page.getByTestId('message-input').fill('Still there?');
  await expect(send).toBeDisabled();
  await expect(page.getByText('Connection lost. Reconnecting…')).toBeVisible();

  // The network is back: "Reconnect now" skips the backoff wait; the banner goes and a message works.
  refuse = false;
  const reconnect = page.getByTestId('reconnect-button');
  expect((await reconnect.boundingBox())?.height).toBeGreaterThanOrEqual(44);
  // The app's own backoff may get there first, taking the banner (and the button) away: either way it reconnects.
  await reconnect.click({ timeout: 5_000 }).catch(() => expect(page.getByTestId('connection-banner')).toHaveCount(0));
  await expect(page.getByTestId('connection-banner')).toHaveCount(0);
  await chatWorks(page, 'Say hello again');
  // A new connection answered it (how many refused attempts came before depends on the backoff's timing).
  expect(routes.length).toBeGreaterThanOrEqual(2);

  // The lost message never reached the broker: only the answered one was charged.
  const cost = BigInt((await page.getByTestId('job-cost').last().getAttribute('data-micro')) ?? 'NaN');
  await expect.poll(() => micro(page)).toBe(before - cost);
});
