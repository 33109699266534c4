/// <reference lib="webworker" />
import { verifyTdxQuote } from '../../shared/attestation/tdx/verify-quote';

/**
 * Bundled by the browser test into a real Chromium web worker: the same shared verifier the Mini
 * App's crypto worker runs, on real evidence posted in from the test vectors.
 */
self.onmessage = async (ev: MessageEvent<{ quote: Uint8Array; collateral: string; at: string }>) => {
  const t0 = performance.now();
  const r = await verifyTdxQuote(ev.data.quote, { policy: { allowSimulated: false }, now: new Date(ev.data.at), collateral: ev.data.collateral });
  const cold = performance.now() - t0;
  const t1 = performance.now();
  await verifyTdxQuote(ev.data.quote, { policy: { allowSimulated: false }, now: new Date(ev.data.at), collateral: ev.data.collateral });
  self.postMessage({ ok: r.ok, checks: r.checks, tcb: r.tcb?.status, mrTd: r.measurements?.mrTd, coldMs: cold, warmMs: performance.now() - t1 });
};

