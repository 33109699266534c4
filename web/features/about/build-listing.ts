import { BUILD_HASH_META, UNSTAMPED_BUILD_HASH } from '@cocoon/shared/web-build';
import type { AppliedPolicy } from '../../crypto/api';
import { t } from '../../i18n';

/**
 * The build hash index.html carries (shared/web-build.ts), or null where there is none: the
 * Vite dev server serves unbuilt sources. It is what the served files say about themselves;
 * README.md, "Verify the app you run", says how to check it from outside the app.
 */
export function runningBuildHash(doc: Pick<Document, 'querySelector'> = document): string | null {
  const value = doc.querySelector(`meta[name="${BUILD_HASH_META}"]`)?.getAttribute('content') ?? '';
  return /^[0-9a-f]{64}$/.test(value) && value !== UNSTAMPED_BUILD_HASH ? value : null;
}

/**
 * Whether the operator's signed policy lists this build (`webBuilds`): `unverified` when there is
 * no signed policy to ask (a build without an operator key, or a policy the worker refused).
 */
export type BuildListing =
  | { status: 'no-build' }
  | { status: 'checking' }
  | { status: 'unverified'; reason: string }
  | { status: 'listed' | 'not-listed'; sequence: number | null; expiresAt: number | null };

export function buildListing(hash: string | null, policy: AppliedPolicy | undefined, policyFailed: boolean): BuildListing {
  if (hash === null) return { status: 'no-build' };
  if (policyFailed) return { status: 'unverified', reason: t('about.reason.loadFailed') };
  if (!policy) return { status: 'checking' };
  if (policy.source === 'unpinned') return { status: 'unverified', reason: t('about.reason.unpinned') };
  if (policy.source === 'rejected' || !policy.webBuilds) {
    return { status: 'unverified', reason: t('about.reason.refused', { reason: policy.error?.message ?? t('about.reason.none') }) };
  }
  const listed = policy.webBuilds.includes(hash);
  return { status: listed ? 'listed' : 'not-listed', sequence: policy.sequence, expiresAt: policy.expiresAt };
}
