import { expect, test } from '@playwright/test';
import { verifyQuoteInWorker } from './support/worker-verify';

/**
 * The shared TDX verifier, bundled for the browser, verifies a genuine Intel quote with its
 * collateral inside a real Chromium web worker (WebCrypto only, no Node built-ins).
 */
test('a real TDX quote verifies in a Chromium web worker', async ({ page }) => {
  const result = await verifyQuoteInWorker(page);
  expect(result.ok).toBe(true);
  expect(result.tcb).toBe('UpToDate');
  for (const name of ['quote.signature', 'qe.report_signature', 'qe.report_data_binding', 'pck.chain', 'tcb.status']) {
    expect(result.checks.find((c) => c.name === name)?.ok, name).toBe(true);
  }
});
