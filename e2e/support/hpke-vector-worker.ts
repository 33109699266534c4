import { build } from 'esbuild';
import type { Page } from '@playwright/test';
import { HPKE_VECTOR_FILE, type HpkeVectorCheck } from '@cocoon/shared/testing/hpke-vector';
import { XWING_VECTOR_FILE } from '@cocoon/shared/testing/hpke-xwing-vector';
import { readVectorText } from '@cocoon/shared/testing/vectors';

export interface HpkeWorkerResult {
  checks: HpkeVectorCheck[];
  /** What the worker saw: proves it ran in a secure context with WebCrypto in a real browser. */
  env: { secureContext: boolean; userAgent: string; worker: boolean };
}

/**
 * Runs `checkHpkeVector` on the final RFC 9180 vector (or on `vector`, its JSON text) inside a Chromium web worker on `page`: the
 * shared checker bundled for the browser, served from 127.0.0.1 (a secure context, as WebCrypto
 * requires) by Playwright itself, as e2e/support/worker-verify.ts does for the TDX verifier.
 */
export function checkHpkeVectorInWorker(page: Page, vector: string = readVectorText(HPKE_VECTOR_FILE)): Promise<HpkeWorkerResult> {
  return checkInWorker(page, 'e2e/support/hpke-worker.ts', vector);
}

/** The same for `checkXwingVector` on the HPKE-PQ X-Wing vector (or on `vector`), as the Mini App bundles @hpke/hybridkem-x-wing. */
export function checkXwingVectorInWorker(page: Page, vector: string = readVectorText(XWING_VECTOR_FILE)): Promise<HpkeWorkerResult> {
  return checkInWorker(page, 'e2e/support/hpke-xwing-worker.ts', vector);
}

/** Bundles `entry` (a worker that answers `{ vector }` with `{ checks, env }`) and runs it on `vector` in a web worker on `page`. */
async function checkInWorker(page: Page, entry: string, vector: string): Promise<HpkeWorkerResult> {
  const bundle = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', target: 'chrome120', write: false });
  const js = bundle.outputFiles[0]!.text;
  await page.route('http://127.0.0.1:9/', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>hpke vector</title>' }));
  await page.goto('http://127.0.0.1:9/');
  return page.evaluate(
    async ({ js, vector }) => {
      const worker = new Worker(URL.createObjectURL(new Blob([js], { type: 'text/javascript' })), { type: 'module' });
      const answer = new Promise<HpkeWorkerResult>((resolve, reject) => {
        worker.onmessage = (e: MessageEvent<HpkeWorkerResult>) => resolve(e.data);
        worker.onerror = (e) => reject(new Error(e.message));
      });
      worker.postMessage({ vector });
      return answer;
    },
    { js, vector },
  );
}
