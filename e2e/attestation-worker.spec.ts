import { build } from 'esbuild';
import { expect, test } from '@playwright/test';
import { readVector, readVectorText } from '../shared/testing/vectors';

/**
 * The shared TDX verifier, bundled for the browser, verifies a genuine Intel quote with its
 * collateral inside a real Chromium web worker (WebCrypto only, no Node built-ins).
 */
test('a real TDX quote verifies in a Chromium web worker', async ({ page }) => {
  const bundle = await build({ entryPoints: ['e2e/support/attest-worker.ts'], bundle: true, format: 'esm', platform: 'browser', target: 'chrome120', write: false });
  const workerJs = bundle.outputFiles[0]!.text;
  // 127.0.0.1 is a secure context, as WebCrypto requires; the page is served by Playwright itself.
  await page.route('http://127.0.0.1:9/', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>verifier</title>' }));
  await page.goto('http://127.0.0.1:9/');
  const result = await page.evaluate(
    async ({ js, quote, collateral }) => {
      const worker = new Worker(URL.createObjectURL(new Blob([js], { type: 'text/javascript' })), { type: 'module' });
      const answer = new Promise<Record<string, unknown>>((resolve, reject) => {
        worker.onmessage = (e) => resolve(e.data as Record<string, unknown>);
        worker.onerror = (e) => reject(new Error(e.message));
      });
      worker.postMessage({ quote: new Uint8Array(quote), collateral, at: '2025-06-20T12:00:00Z' });
      return answer;
    },
    { js: workerJs, quote: Array.from(readVector('phala-tdx-v4-quote.bin')), collateral: readVectorText('phala-tdx-v4-collateral.json') },
  );
  expect(result.ok).toBe(true);
  expect(result.tcb).toBe('UpToDate');
  const checks = result.checks as { name: string; ok: boolean }[];
  for (const name of ['quote.signature', 'qe.report_signature', 'qe.report_data_binding', 'pck.chain', 'tcb.status']) {
    expect(checks.find((c) => c.name === name)?.ok, name).toBe(true);
  }
  console.log(`TDX quote verified in a Chromium worker: cold ${Number(result.coldMs).toFixed(1)} ms, warm ${Number(result.warmMs).toFixed(1)} ms`);
});
