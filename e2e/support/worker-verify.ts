import { build } from 'esbuild';
import type { Page } from '@playwright/test';
import { readVector, readVectorText } from '@cocoon/shared/testing/vectors';

export interface WorkerVerification {
  ok: boolean;
  checks: { name: string; ok: boolean }[];
  tcb?: string;
  coldMs: number;
  warmMs: number;
}

/**
 * Verifies Phala's genuine TDX quote with its collateral in a Chromium web worker on `page`: the
 * shared verifier bundled for the browser, served from 127.0.0.1 (a secure context, as WebCrypto
 * requires) by Playwright itself.
 */
export async function verifyQuoteInWorker(page: Page, runs = 1): Promise<WorkerVerification> {
  const bundle = await build({ entryPoints: ['e2e/support/attest-worker.ts'], bundle: true, format: 'esm', platform: 'browser', target: 'chrome120', write: false });
  const js = bundle.outputFiles[0]!.text;
  await page.route('http://127.0.0.1:9/', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>verifier</title>' }));
  await page.goto('http://127.0.0.1:9/');
  return page.evaluate(
    async ({ js, quote, collateral, runs }) => {
      const worker = new Worker(URL.createObjectURL(new Blob([js], { type: 'text/javascript' })), { type: 'module' });
      const answer = new Promise<WorkerVerification>((resolve, reject) => {
        worker.onmessage = (e: MessageEvent<WorkerVerification>) => resolve(e.data);
        worker.onerror = (e) => reject(new Error(e.message));
      });
      worker.postMessage({ quote: new Uint8Array(quote), collateral, at: '2025-06-20T12:00:00Z', runs });
      return answer;
    },
    { js, quote: Array.from(readVector('phala-tdx-v4-quote.bin')), collateral: readVectorText('phala-tdx-v4-collateral.json'), runs },
  );
}
