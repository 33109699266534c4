import { beforeAll, describe, expect, it } from 'vitest';
import type { AppliedPolicy } from '../../crypto/api';
import { buildListing, runningBuildHash } from './build-listing';
import { loadAreas } from '../../i18n';

beforeAll(() => loadAreas(['about']));

const hash = 'ab'.repeat(32);
const policy = (over: Partial<AppliedPolicy>): AppliedPolicy => ({
  source: 'signed',
  signerPublicKey: 'k'.repeat(43),
  expiresAt: 1_900_000_000,
  imageCount: 1,
  sequence: 7,
  webBuilds: [],
  allowSimulated: false,
  check: { name: 'policy.signature', ok: true },
  error: null,
  ...over,
});

describe('buildListing', () => {
  it('is listed only when the signed policy names this very hash', () => {
    expect(buildListing(hash, policy({ webBuilds: ['cd'.repeat(32), hash] }), false)).toEqual({ status: 'listed', sequence: 7, expiresAt: 1_900_000_000 });
    expect(buildListing(hash, policy({ webBuilds: ['cd'.repeat(32)] }), false)).toMatchObject({ status: 'not-listed', sequence: 7 });
    expect(buildListing(hash, policy({ webBuilds: [] }), false).status).toBe('not-listed');
  });

  it('is unverified without a signed policy: none pinned, refused, or not loaded', () => {
    expect(buildListing(hash, policy({ source: 'unpinned', webBuilds: null, sequence: null }), false)).toMatchObject({ status: 'unverified', reason: expect.stringMatching(/no operator key/) });
    const refused = policy({ source: 'rejected', webBuilds: null, error: { code: 'attestation.policy_expired', message: 'the policy expired' } });
    expect(buildListing(hash, refused, false)).toMatchObject({ status: 'unverified', reason: expect.stringMatching(/refused: the policy expired/) });
    expect(buildListing(hash, undefined, true)).toMatchObject({ status: 'unverified', reason: expect.stringMatching(/could not be loaded/) });
  });

  it('waits for the policy, and says when there is no build hash at all', () => {
    expect(buildListing(hash, undefined, false)).toEqual({ status: 'checking' });
    expect(buildListing(null, policy({ webBuilds: [hash] }), false)).toEqual({ status: 'no-build' });
  });
});

describe('runningBuildHash', () => {
  const doc = (content: string | null) => ({
    querySelector: (selector: string) => (selector === 'meta[name="cocoon-build-sha256"]' && content !== null ? { getAttribute: () => content } : null),
  }) as unknown as Pick<Document, 'querySelector'>;

  it('reads the stamped hash, and nothing from a missing, unstamped or malformed meta', () => {
    expect(runningBuildHash(doc(hash))).toBe(hash);
    expect(runningBuildHash(doc(null))).toBeNull();
    expect(runningBuildHash(doc('0'.repeat(64)))).toBeNull();
    expect(runningBuildHash(doc(hash.toUpperCase()))).toBeNull();
    expect(runningBuildHash(doc(hash.slice(1)))).toBeNull();
  });
});
