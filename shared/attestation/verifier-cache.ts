import { AttestationBundleSchema } from '../protocol/attestation-bundle';
import { canonicalJson, sha256, toHex, utf8 } from '../protocol/encoding';
import { bundleDigest } from './bundle';
import { verifyBundle, type VerificationResult, type VerifyOptions } from './verify';

export interface VerifierCache {
  /** `verifyBundle`, answered from the cache while an earlier passing result is still valid. */
  verify(bundle: unknown, opts: VerifyOptions): Promise<VerificationResult>;
  clear(): void;
  readonly size: number;
  /** How many verifications were answered from the cache. */
  readonly hits: number;
}

interface Entry {
  result: VerificationResult;
  verifiedAt: number;
  validUntil: number;
}

/**
 * A cache of passing verification results, keyed by the bundle digest (with the policy and any
 * caller-supplied collateral, which change the outcome), each kept until the earliest expiry among
 * claims, certificates and collateral, and never for a time before it was verified. Failures are
 * not cached: they are cheap, and a later clock may pass them.
 * @example const cache = createVerifierCache(); const r = await cache.verify(bundle, { policy })
 */
export function createVerifierCache(options: { maxEntries?: number } = {}): VerifierCache {
  const maxEntries = options.maxEntries ?? 256;
  const entries = new Map<string, Entry>();
  let hits = 0;
  return {
    async verify(bundle, opts) {
      const now = (opts.now ?? new Date()).getTime();
      const key = await cacheKey(bundle, opts).catch(() => undefined);
      const hit = key ? entries.get(key) : undefined;
      if (hit && now >= hit.verifiedAt && now < hit.validUntil) {
        hits++;
        return { ...hit.result };
      }
      if (key) entries.delete(key);
      const result = await verifyBundle(bundle, { ...opts, now: new Date(now) });
      if (key && result.ok && result.validUntil !== undefined && result.validUntil > now) {
        entries.set(key, { result, verifiedAt: now, validUntil: result.validUntil });
        while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      }
      return result;
    },
    clear: () => entries.clear(),
    get size() {
      return entries.size;
    },
    get hits() {
      return hits;
    },
  };
}

async function cacheKey(bundle: unknown, opts: VerifyOptions): Promise<string | undefined> {
  const parsed = AttestationBundleSchema.safeParse(bundle);
  if (!parsed.success) return undefined;
  const collateral = typeof opts.collateral === 'string' ? opts.collateral : opts.collateral === undefined ? null : canonicalJson(opts.collateral);
  const material = canonicalJson({ bundle: await bundleDigest(parsed.data), policy: opts.policy, collateral });
  return toHex(await sha256(utf8(material)));
}
