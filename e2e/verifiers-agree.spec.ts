import { execFile } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { z } from 'zod';
import { verifyTdxQuote } from '@cocoon/shared/attestation/tdx/verify-quote';
import { isCocoonError } from '@cocoon/shared/errors';
import { encodeClaims } from '@cocoon/shared/attestation/claims';
import type { Claims } from '@cocoon/shared/protocol/attestation-bundle';
import { toB64u } from '@cocoon/shared/protocol/encoding';
import { readVector, readVectorText, VECTORS_DIR } from '@cocoon/shared/testing/vectors';
import { verifyHostBundle } from '@cocoon/server/hosts/enrollment';
import { verifyQuoteInWorker, type QuoteCase } from './support/worker-verify';

/**
 * Every verifier fails closed the same way: the Chromium web worker (the Mini App's), Node (the
 * library the broker and the developer proxy run), the CLI an auditor runs, and the broker's
 * enrollment, on every real quote in the repository, with and without collateral, in and out of
 * its validity window.
 */
const CASES: (QuoteCase & { verdict: boolean })[] = [
  { quote: 'cocoon-tdx-v4-quote.dat', at: '2026-11-22T12:00:00Z', verdict: false },
  { quote: 'phala-tdx-v4-quote.bin', at: '2025-06-20T12:00:00Z', verdict: false },
  { quote: 'phala-tdx-v4-quote.bin', collateral: 'phala-tdx-v4-collateral.json', at: '2025-06-20T12:00:00Z', verdict: true },
  { quote: 'phala-tdx-v4-quote.bin', collateral: 'phala-tdx-v4-collateral.json', at: '2025-08-01T00:00:00Z', verdict: false },
];

const CLAIMS: Claims = {
  version: 1,
  hostId: 'host-agreement',
  hpkePublicKey: toB64u(new Uint8Array(32)),
  signingPublicKey: toB64u(new Uint8Array(32)),
  models: [{ name: 'm', weightsDigest: 'ab'.repeat(32) }],
  engine: { name: 'vllm', imageDigest: `sha256:${'0'.repeat(64)}`, version: '0.11.0', args: [], agentConfigDigest: '0'.repeat(64) },
  gpuEvidenceDigests: [],
  createdAt: 1_700_000_000,
  expiresAt: 1_900_000_000,
};

const Checks = z.array(z.object({ name: z.string(), ok: z.boolean(), skipped: z.boolean().optional() }));
const shape = (checks: z.infer<typeof Checks>) => checks.map((c) => `${c.name}:${c.skipped ? 'skipped' : c.ok ? 'pass' : 'FAIL'}`);

function cli(c: QuoteCase): Promise<{ code: number; checks: z.infer<typeof Checks> }> {
  const args = ['cli/bin/cocoon.js', 'attest', 'verify', VECTORS_DIR + c.quote, '--at', c.at, '--json', ...(c.collateral ? ['--collateral', VECTORS_DIR + c.collateral] : [])];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, (error, stdout) => {
      try {
        resolve({ code: error ? Number(error.code) : 0, checks: z.object({ checks: Checks }).parse(JSON.parse(stdout)).checks });
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

for (const c of CASES) {
  test(`${c.quote}${c.collateral ? ' + collateral' : ', no collateral'} at ${c.at}: worker, Node, CLI and broker agree (${c.verdict ? 'accept' : 'refuse'})`, async ({ page }) => {
    const node = await verifyTdxQuote(readVector(c.quote), { policy: { allowSimulated: false }, now: new Date(c.at), collateral: c.collateral ? readVectorText(c.collateral) : undefined });
    const worker = await verifyQuoteInWorker(page, 1, c);
    const fromCli = await cli(c);
    expect(node.ok).toBe(c.verdict);
    expect([worker.ok, shape(Checks.parse(worker.checks))]).toEqual([node.ok, shape(node.checks)]);
    expect([fromCli.code, shape(fromCli.checks)]).toEqual([node.ok ? 0 : 1, shape(node.checks)]);
    // The broker: none of these quotes commits to claims of ours, so enrollment always refuses;
    // where the quote itself fails, it refuses for the same first reason.
    const bundle = { version: 1 as const, tee: 'tdx' as const, claims: toB64u(encodeClaims(CLAIMS)), quote: toB64u(readVector(c.quote)), gpuEvidence: [], ...(c.collateral ? { collateral: readVectorText(c.collateral) } : {}) };
    const refused = await verifyHostBundle(bundle, { attestation: { allowSimulated: false } }, new Date(c.at)).then(() => null, (e: unknown) => e);
    expect(isCocoonError(refused) && refused.code).toBe(node.ok ? 'attestation.report_data_mismatch' : node.error?.code);
  });
}
