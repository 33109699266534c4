import { expect, test } from '@playwright/test';
import { parseXwingVector, XWING_VECTOR_FILE } from '@cocoon/shared/testing/hpke-xwing-vector';
import { readVectorText } from '@cocoon/shared/testing/vectors';
import { checkXwingVectorInWorker } from './support/hpke-vector-worker';

/**
 * The HPKE-PQ X-Wing vector passes in full inside a real Chromium web worker, with the X-Wing KEM
 * as the Mini App bundles it: the public key from the seed, encap (`enc`, `shared_secret`), decap,
 * all 10 encryptions sealed and opened in sequence, the 5 exports, and the independent key schedule.
 */
test('the X-Wing HPKE vector passes in full in a Chromium web worker', async ({ page }) => {
  const { checks, env } = await checkXwingVectorInWorker(page);
  expect(env).toMatchObject({ secureContext: true, worker: true });
  expect(env.userAgent).toMatch(/Chrome\//);
  expect(checks.filter((c) => !c.ok)).toEqual([]);
  expect(checks.filter((c) => c.name.startsWith('encryption['))).toHaveLength(10);
  expect(checks.filter((c) => c.name.startsWith('export['))).toHaveLength(5);
  for (const name of ['vector.schema', 'suite.ids', 'kem.public_key_from_seed', 'kem.import_serialize', 'kem.encap', 'kem.decap', 'hpke.enc', 'reference.key_schedule', 'reference.nonces', 'reference.exports']) {
    expect(checks.find((c) => c.name === name)?.ok, name).toBe(true);
  }
});

test('in the worker, a changed shared secret, ciphertext or exported value fails its own checks', async ({ page }) => {
  const vector = parseXwingVector(readVectorText(XWING_VECTOR_FILE));
  const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
  const tampered = {
    ...vector,
    shared_secret: flip(vector.shared_secret),
    encryptions: vector.encryptions.map((e, i) => (i === 9 ? { ...e, ct: flip(e.ct) } : e)),
    exports: vector.exports.map((x, i) => (i === 2 ? { ...x, exported_value: flip(x.exported_value) } : x)),
  };
  const { checks } = await checkXwingVectorInWorker(page, JSON.stringify(tampered));
  expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['kem.encap', 'kem.decap', 'encryption[9]', 'export[2]', 'reference.key_schedule', 'reference.nonces', 'reference.exports']);
});
