import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { z } from 'zod';
import { expect, test } from './support/fixtures';

/**
 * Answers rendered as markdown, safely (issue 14): the scripted engine streams a known answer with a
 * code block, a link and a remote image. The code block renders with a Copy button, the link shows
 * its domain and opens through Telegram's openLink, and the image is never fetched: a local server
 * stands for the third party an image URL would tell what the answer says.
 */
test.use({ engineKind: 'scripted', viewport: { width: 320, height: 640 }, permissions: ['clipboard-read', 'clipboard-write'] });

let canary: Server;
let canaryUrl: string;
const imageRequests: string[] = [];

test.beforeAll(async () => {
  canary = createServer((req, res) => {
    if (req.url?.startsWith('/canary.png')) imageRequests.push(req.url);
    res.writeHead(200, { 'content-type': 'text/html' }).end('<title>linked page</title>');
  });
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
  canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => canary.close(resolve));
});

const CODE = 'function greet(name) {\n  return `Hello, ${name}! This line is long enough to scroll sideways at 320 px wide.`;\n}';

const clipboard = async (page: Page) => z.string().parse(await page.evaluate('navigator.clipboard.readText()'));

test('an answer\'s markdown renders: code with copy, a link with its domain, a remote image never fetched', async ({ page, openApp, scripted }) => {
  // The page's policy would block an image anyway, so a blocked attempt is caught too (page code as text: no DOM typings here).
  await page.addInitScript({ content: "window.cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));" });
  const markdown = [
    'Here is **the code**:\n\n',
    '```js\n' + CODE + '\n```\n\n',
    `Read [the guide](${canaryUrl}/guide) first.\n\n`,
    `![secret plan](${canaryUrl}/canary.png?text=secret)`,
  ];
  scripted!.answer = { deltas: markdown, usage: { prompt_tokens: 20, completion_tokens: 60, total_tokens: 80 } };

  await openApp(undefined, { theme: 'dark' });
  await page.getByTestId('message-input').fill('Show me some code');
  await page.getByTestId('send-button').click();

  const answer = page.getByTestId('message-assistant').last();
  await expect(answer).toHaveAttribute('data-status', 'done');
  await expect(answer.locator('strong')).toHaveText('the code');

  // The code block: monospace code, its language, highlighted, scrolling inside itself (not the page).
  const code = answer.getByTestId('answer-code');
  await expect(code.getByTestId('answer-code-language')).toHaveText('js');
  await expect(code.locator('code')).toHaveText(CODE);
  await expect(code.locator('code span').filter({ hasText: /^function$/ })).toHaveCSS('color', 'rgb(255, 123, 114)');
  const pre = code.locator('pre');
  expect(await pre.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  expect(z.number().parse(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(320);

  await code.getByTestId('answer-code-copy').click();
  await expect(code.getByTestId('answer-code-copy')).toHaveAttribute('data-copied', 'true');
  expect(await clipboard(page)).toBe(CODE);

  // The link shows where it goes, and opens through Telegram's openLink (the mock opens a tab).
  const link = answer.getByTestId('answer-link');
  await expect(link).toHaveText(`the guide 127.0.0.1:${new URL(canaryUrl).port} ↗`);
  const popup = page.waitForEvent('popup');
  await link.click();
  expect((await popup).url()).toBe(`${canaryUrl}/guide`);

  // The image is text: its alt and URL, no <img> anywhere with its src, and no request reached its server.
  await expect(answer.getByTestId('answer-image')).toContainText('secret plan');
  await expect(answer.getByTestId('answer-image-url')).toHaveText(`${canaryUrl}/canary.png?text=secret`);
  expect(await page.locator('img[src*="canary"]').count()).toBe(0);
  expect(imageRequests).toEqual([]);
  expect(z.array(z.string()).parse(await page.evaluate('window.cspViolations')).filter((v) => v.startsWith('img-src'))).toEqual([]);

  // The actions row under the finished answer: Copy answer copies its markdown.
  const actions = answer.getByTestId('answer-actions');
  await expect(actions.getByTestId('answer-share')).toBeVisible();
  await actions.getByTestId('answer-copy').click();
  await expect.poll(() => clipboard(page)).toBe(markdown.join(''));
  const box = await actions.getByTestId('answer-copy').boundingBox();
  expect(box?.width).toBeGreaterThanOrEqual(44);
  expect(box?.height).toBeGreaterThanOrEqual(44);
});
