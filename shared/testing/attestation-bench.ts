import { verifyTdxQuote } from '../attestation/tdx/verify-quote';
import { readVector, readVectorText } from './vectors';

export interface QuoteBench {
  runs: number;
  /** First verification in this process: key imports and JIT included. */
  coldMs: number;
  /** Median of the warm runs. */
  warmMs: number;
  p95Ms: number;
}

/**
 * Times offline verification of one genuine TDX quote with its collateral (Phala's vector at a
 * time inside the collateral's validity): parse, signatures, PCK and TCB signing chains, CRLs, TCB
 * status. For `npm run bench`; the target is a warm time under 50 ms.
 * @example console.log(await benchVerifyQuote()) // { runs: 50, coldMs: 20.1, warmMs: 4.2, p95Ms: 5.9 }
 */
export async function benchVerifyQuote(runs = 50): Promise<QuoteBench> {
  const quote = readVector('phala-tdx-v4-quote.bin');
  const collateral = readVectorText('phala-tdx-v4-collateral.json');
  const opts = { policy: { allowSimulated: false }, now: new Date('2025-06-20T12:00:00Z'), collateral };
  const once = async () => {
    const t0 = performance.now();
    const r = await verifyTdxQuote(quote, opts);
    if (!r.ok) throw new Error(`benchmark quote did not verify: ${r.error?.message}`);
    return performance.now() - t0;
  };
  const coldMs = await once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  times.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return { runs, coldMs: round(coldMs), warmMs: round(times[Math.floor(runs / 2)]!), p95Ms: round(times[Math.floor(runs * 0.95)]!) };
}
