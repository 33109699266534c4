import { describe, expect, it } from 'vitest';
import { parseCollateral } from '../../attestation/tdx/collateral';
import { toHex } from '../../protocol/encoding';
import { countNodes, derTree, encodeDerWith, type DerNode } from './der-tree';
import { assertFuzz } from './harness';
import { tdxTargets } from './tdx-targets';
import { collateralFields, crlDers } from './vectors';

describe('fuzz: TDX quotes (v4, v5) and Intel collateral, fixed seed', () => {
  for (const t of tdxTargets) it(`${t.name}: ${t.testRuns} inputs, typed rejections only${t.verifies ? ', no altered input verifies' : ''}`, () => assertFuzz(t), 60_000);
});

/** The pre-order index of the first node with `tag` (as der-tree numbers nodes). */
export function indexOfTag(root: DerNode, tag: number): number {
  let index = 0;
  const walk = (n: DerNode): number | undefined => {
    const mine = index++;
    if (n.tag === tag) return mine;
    for (const c of n.children ?? (n.inner ? [n.inner.node] : [])) {
      const found = walk(c);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const found = walk(root);
  if (found === undefined || found >= countNodes(root)) throw new Error(`no tag 0x${tag.toString(16)}`);
  return found;
}

describe('fuzz findings: TDX collateral', () => {
  it('tdx.collateral.parse: a root CA CRL whose thisUpdate is 100 000 bytes long is attestation.collateral_invalid, not a RangeError', () => {
    const crl = derTree(crlDers().rootCaCrl);
    const bigTime = encodeDerWith(crl, [{ node: indexOfTag(crl, 0x17), op: 'big', length: 100_000, fill: 0x30 }]);
    const collateral = { ...collateralFields, root_ca_crl: toHex(bigTime) };
    expect(() => parseCollateral(JSON.stringify(collateral))).toThrow(expect.objectContaining({ code: 'attestation.collateral_invalid' }));
  });
});
