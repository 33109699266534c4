import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AttestationBundle } from '@cocoon/shared/protocol/attestation-bundle';
import { toB64u } from '@cocoon/shared/protocol/encoding';
import { readVector, readVectorText } from '@cocoon/shared/testing/vectors';
import { CollateralCache } from './collateral-cache';

const collateral = readVectorText('phala-tdx-v4-collateral.json');
const tdx = (quote: string, extra: Partial<AttestationBundle> = {}): AttestationBundle => ({ version: 1, tee: 'tdx', claims: 'e30', quote: toB64u(readVector(quote)), gpuEvidence: [], ...extra });
const phala = (extra: Partial<AttestationBundle> = {}) => tdx('phala-tdx-v4-quote.bin', extra);
/** The same collateral, re-dated: only its issue date matters to the cache's choice. */
const redated = (issueDate: string) => {
  const c = z.object({ tcb_info: z.string() }).passthrough().parse(JSON.parse(collateral));
  return JSON.stringify({ ...c, tcb_info: c.tcb_info.replace(/"issueDate":"[^"]+"/, `"issueDate":"${issueDate}"`) });
};

describe('the broker\'s Intel collateral cache', () => {
  it('attaches the collateral a verified bundle brought to a later bundle of the same FMSPC that has none', () => {
    const cache = new CollateralCache();
    expect(cache.complete(phala())).toEqual(phala());
    cache.remember(phala({ collateral }));
    expect(cache.size).toBe(1);
    expect(cache.complete(phala()).collateral).toBe(collateral);
  });

  it('never attaches it to another platform family, or to a simulated bundle', () => {
    const cache = new CollateralCache();
    cache.remember(phala({ collateral }));
    const cocoon = tdx('cocoon-tdx-v4-quote.dat'); // FMSPC 90C06F000000, not Phala's B0C06F000000
    expect(cache.complete(cocoon)).toEqual(cocoon);
    const simulated = { ...phala(), tee: 'simulated' as const };
    expect(cache.complete(simulated)).toEqual(simulated);
  });

  it('keeps the newest: a bundle\'s own newer collateral stays; older is replaced; older never replaces newer in the cache', () => {
    const cache = new CollateralCache();
    const newer = redated('2025-06-25T00:00:00Z');
    cache.remember(phala({ collateral: newer }));
    expect(cache.complete(phala({ collateral })).collateral).toBe(newer);
    cache.remember(phala({ collateral }));
    expect(cache.complete(phala()).collateral).toBe(newer);
    const newest = redated('2025-07-01T00:00:00Z');
    expect(cache.complete(phala({ collateral: newest })).collateral).toBe(newest);
  });

  it('ignores what it cannot parse: a bundle with garbage collateral gets the cached one', () => {
    const cache = new CollateralCache();
    cache.remember(phala({ collateral: '{"tcb_info": 1}' }));
    expect(cache.size).toBe(0);
    cache.remember(phala({ collateral }));
    expect(cache.complete(phala({ collateral: 'not json' })).collateral).toBe(collateral);
  });
});
