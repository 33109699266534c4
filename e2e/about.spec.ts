import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BUILD_MANIFEST_FILE, BuildManifestSchema } from '@cocoon/shared/web-build';
import { expect, test } from './support/fixtures';

const builtManifest = () => BuildManifestSchema.parse(JSON.parse(readFileSync(`dist/web-e2e/${BUILD_MANIFEST_FILE}`, 'utf8')));
const version = z.object({ version: z.string() }).parse(JSON.parse(readFileSync('package.json', 'utf8'))).version;

test('About shows the hash the build printed, and that the e2e build has no signed policy to list it', async ({ page, openApp, stack }) => {
  const { sha256 } = builtManifest();
  // CSP violations in the page (the event) and in its workers (the browser's console report).
  // (Page code as text: this project's Node typings have no DOM.)
  await page.addInitScript({
    content: "window.cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));",
  });
  const consoleReports: string[] = [];
  page.on('console', (m) => {
    if (/content security policy/i.test(m.text())) consoleReports.push(m.text());
  });

  await openApp();
  await expect(page.getByTestId('attestation-badge')).toContainText(/simulated/i);
  await page.getByTestId('about-button').click();
  const about = page.getByTestId('about-screen');
  await expect(about).toBeVisible();

  const hash = about.getByTestId('about-build-hash');
  await expect(hash).toHaveAttribute('data-hash', sha256);
  expect((await hash.innerText()).replace(/\s/g, '')).toBe(sha256);
  await expect(about.getByTestId('about-version')).toHaveText(`Version ${version}`);
  // The e2e build pins no operator key: there is no signed policy that could list it.
  const status = about.getByTestId('about-build-status');
  await expect(status).toHaveAttribute('data-status', 'unverified');
  await expect(status).toContainText('Policy not verified');
  await expect(status).toContainText(/no operator key/);

  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.appUrl });
  await about.getByTestId('about-copy-hash').click();
  await expect(about.getByTestId('about-copy-hash')).toHaveText('Copied');
  expect(z.string().parse(await page.evaluate('navigator.clipboard.readText()'))).toBe(sha256);

  await about.getByTestId('about-back-button').click();
  await expect(about).toBeHidden();
  await expect(page.getByTestId('message-input')).toBeVisible();

  // The page ran under the broker's CSP (and the build's own) without tripping it.
  const index = await page.request.get(`${stack.appUrl}/`);
  expect(index.headers()['content-security-policy']).toContain("script-src 'self'");
  expect(index.headers()['x-frame-options']).toBeUndefined();
  expect(z.array(z.string()).parse(await page.evaluate('window.cspViolations'))).toEqual([]);
  expect(consoleReports).toEqual([]);
});
