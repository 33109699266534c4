import { expect, test } from '@playwright/test';
import { HPKE_VECTOR_FILE, parseHpkeVector } from '@cocoon/shared/testing/hpke-vector';
import { readVectorText } from '@cocoon/shared/testing/vectors';
import { checkHpkeVectorInWorker } from './support/hpke-vector-worker';

/**
 * The final RFC 9180 HPKE test vector for the product's suite passes in full inside a real
 * Chromium web worker: @hpke/core (as the Mini App bundles it) reproduces the derived keys, `enc`,
 * all 257 encryptions in sequence and the 3 exports, and the independent WebCrypto implementation
 * reproduces every intermediate value (shared_secret, key schedule).
 */
test('the RFC 9180 HPKE vector passes in full in a Chromium web worker', async ({ page }) => {
  const { checks, env } = await checkHpkeVectorInWorker(page);
  expect(env).toMatchObject({ secureContext: true, worker: true });
  expect(env.userAgent).toMatch(/Chrome\//);
  expect(checks.filter((c) => !c.ok)).toEqual([]);
  expect(checks.filter((c) => c.name.startsWith('encryption['))).toHaveLength(257);
  expect(checks.filter((c) => c.name.startsWith('export['))).toHaveLength(3);
  for (const name of ['vector.schema', 'suite.ids', 'hpke.derive_key_pair.R', 'hpke.derive_key_pair.E', 'hpke.import_serialize.R', 'hpke.import_serialize.E', 'hpke.enc', 'reference.encap', 'reference.decap', 'reference.key_schedule_context', 'reference.secret', 'reference.key', 'reference.base_nonce', 'reference.exporter_secret', 'reference.encryptions', 'reference.exports']) {
    expect(checks.find((c) => c.name === name)?.ok, name).toBe(true);
  }
});

test('in the worker, a changed ciphertext or exported value fails its own checks', async ({ page }) => {
  const vector = parseHpkeVector(readVectorText(HPKE_VECTOR_FILE));
  const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
  const tampered = {
    ...vector,
    encryptions: vector.encryptions.map((e, i) => (i === 256 ? { ...e, ct: flip(e.ct) } : e)),
    exports: vector.exports.map((x, i) => (i === 1 ? { ...x, exported_value: flip(x.exported_value) } : x)),
  };
  const { checks } = await checkHpkeVectorInWorker(page, JSON.stringify(tampered));
  expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['encryption[256]', 'export[1]', 'reference.encryptions', 'reference.exports']);
});
