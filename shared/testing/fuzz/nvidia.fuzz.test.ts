import { describe, expect, it } from 'vitest';
import { CheckLog } from '../../attestation/checks';
import { verifyNvidiaReport } from '../../attestation/nvidia/verify-gpu';
import { pemBlocks, toPem } from '../../attestation/x509/pem';
import { derTree, encodeDerWith, type DerNode } from './der-tree';
import { assertFuzz } from './harness';
import { nvidiaTargets } from './nvidia-targets';
import { nvidiaChainPem, nvidiaReport, VectorTimes } from './vectors';

describe('fuzz: NVIDIA SPDM reports, their opaque data and the GPU verifier, fixed seed', () => {
  for (const t of nvidiaTargets) it(`${t.name}: ${t.testRuns} inputs, typed rejections only${t.verifies ? ', no altered input verifies' : ''}`, () => assertFuzz(t), 60_000);
});

/** DICE TcbInfo (2.23.133.5.4.1) as an OID's content bytes. */
const DICE_TCB_INFO = [0x67, 0x81, 0x05, 0x05, 0x04, 0x01];

/** The pre-order index of the DER value inside the certificate's DICE TcbInfo extension. */
function diceValueIndex(root: DerNode): number {
  let index = 0;
  let found: number | undefined;
  const walk = (n: DerNode) => {
    index++;
    const [oid, ...rest] = n.children ?? [];
    const octets = rest.at(-1);
    if (oid?.tag === 0x06 && oid.value && oid.value.join() === DICE_TCB_INFO.join() && octets?.inner) found ??= index + rest.length + 1;
    for (const c of n.children ?? (n.inner ? [n.inner.node] : [])) walk(c);
  };
  walk(root);
  if (found === undefined) throw new Error('no DICE TcbInfo extension');
  return found;
}

describe('fuzz findings: NVIDIA', () => {
  it('nvidia.report.verify: a device certificate whose FWID extension nests 8000 SEQUENCEs deep is walked without a stack overflow (was an internal check failure)', async () => {
    const [leaf, ...rest] = pemBlocks(nvidiaChainPem, 'CERTIFICATE');
    const tree = derTree(leaf!);
    const deep = encodeDerWith(tree, [{ node: diceValueIndex(tree), op: 'nest', depth: 8000 }]);
    const log = new CheckLog();
    await verifyNvidiaReport(nvidiaReport, [deep, ...rest].map((d) => toPem(d, 'CERTIFICATE')).join(''), { index: 0, now: VectorTimes.nvidia }, log);
    // The FWID is still in there, 8000 levels down; the re-encoded leaf no longer chains.
    expect(log.checks.find((c) => c.name === 'gpu[0].fwid')).toEqual({ name: 'gpu[0].fwid', ok: true });
    expect(log.checks.find((c) => c.name === 'gpu[0].chain')?.ok).toBe(false);
  });
});
