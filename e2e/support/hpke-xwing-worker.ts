/// <reference lib="webworker" />
import { checkXwingVector } from '@cocoon/shared/testing/hpke-xwing-vector';

/**
 * Bundled into a real Chromium web worker by e2e/hpke-xwing.spec.ts: the shared X-Wing vector
 * checker (the product's X-Wing KEM and KDF, ChaCha20-Poly1305 for the vector's AEAD, and the
 * independent key schedule) on the vector's JSON text posted in. Also reports where it ran.
 */
self.onmessage = async (ev: MessageEvent<{ vector: string }>) => {
  const { checks } = await checkXwingVector(ev.data.vector);
  const env = { secureContext: self.isSecureContext, userAgent: navigator.userAgent, worker: typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope };
  self.postMessage({ checks, env });
};
