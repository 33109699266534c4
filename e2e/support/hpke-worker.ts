/// <reference lib="webworker" />
import { checkHpkeVector } from '@cocoon/shared/testing/hpke-vector';

/**
 * Bundled into a real Chromium web worker by e2e/hpke-vector.spec.ts: the shared RFC 9180 vector
 * checker (@hpke/core, the product's HPKE, and the independent WebCrypto implementation) on the
 * vector's JSON text posted in from the test vectors. Also reports where it ran.
 */
self.onmessage = async (ev: MessageEvent<{ vector: string }>) => {
  const { checks } = await checkHpkeVector(ev.data.vector);
  const env = { secureContext: self.isSecureContext, userAgent: navigator.userAgent, worker: typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope };
  self.postMessage({ checks, env });
};
