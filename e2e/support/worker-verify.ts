import { build } from 'esbuild';
import type { Page } from '@playwright/test';
import { readVector, readVectorText } from '@cocoon/shared/testing/vectors';

export interface WorkerVerification {
  ok: boolean;
  checks: { name: string; ok: boolean; skipped?: boolean; reason?: string }[];
  tcb?: string;
  coldMs: number;
  warmMs: number;
}

/** One real quote from the test vectors, with or without its collateral, at a fixed time. */
export interface QuoteCase {
  quote: string;
  collateral?: string;
  at: string;
}

export const PHALA_WITH_COLLATERAL: QuoteCase = { quote: 'phala-tdx-v4-quote.bin', collateral: 'phala-tdx-v4-collateral.json', at: '2025-06-20T12:00:00Z' };

/**
 * Verifies a genuine TDX quote (default: Phala's, with its collateral) in a Chromium web worker on
 * `page`: the shared verifier bundled for the browser, served from 127.0.0.1 (a secure context, as
 * WebCrypto requires) by Playwright itself.
 */
export async function verifyQuoteInWorker(page: Page, runs = 1, c: QuoteCase = PHALA_WITH_COLLATERAL): Promise<WorkerVerification> {
  const bundle = await build({ entryPoints: ['e2e/support/attest-worker.ts'], bundle: true, format: 'esm', platform: 'browser', target: 'chrome120', write: false });
  const js = bundle.outputFiles[0]!.text;
  await page.route('http://127.0.0.1:9/', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>verifier</title>' }));
  await page.goto('http://127.0.0.1:9/');
  return page.evaluate(
    async ({ js, quote, collateral, at, runs }) => {
      const worker = new Worker(URL.createObjectURL(new Blob([js], { type: 'text/javascript' })), { type: 'module' });
      const answer = new Promise<WorkerVerification>((resolve, reject) => {
        worker.onmessage = (e: MessageEvent<WorkerVerification>) => resolve(e.data);
        worker.onerror = (e) => reject(new Error(e.message));
      });
      worker.postMessage({ quote: new Uint8Array(quote), collateral, at, runs });
      return answer;
    },
    { js, quote: Array.from(readVector(c.quote)), collateral: c.collateral === undefined ? undefined : readVectorText(c.collateral), at: c.at, runs },
  );
}
