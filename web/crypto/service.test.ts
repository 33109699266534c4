import { describe, expect, it } from 'vitest';
import { buildBundle } from '@cocoon/shared/attestation/bundle';
import { createSimulatedProvider } from '@cocoon/shared/attestation/simulated';
import { generateSigningKeyPair } from '@cocoon/shared/crypto/ed25519';
import { openRequest } from '@cocoon/shared/crypto/envelope';
import { generateHpkeKeyPair } from '@cocoon/shared/crypto/hpke-suite';
import type { Claims } from '@cocoon/shared/protocol/attestation-bundle';
import { toB64u } from '@cocoon/shared/protocol/encoding';
import type { JobMeta, SealedChunk, SealedRequest } from '@cocoon/shared/protocol/jobs';
import { RequestSuites } from '@cocoon/shared/protocol/request-suite';
import type { Receipt } from '@cocoon/shared/protocol/receipt';
import { requestDigest, ResponseDigest, signReceipt } from '@cocoon/shared/receipt';
import type { Result } from './api';
import { createCryptoService } from './service';

const now = new Date('2026-11-22T12:00:00Z');
const t = Math.floor(now.getTime() / 1000);
/** A dev build: no operator key pinned, the simulated TEE allowed by the build flag. */
const dev = { pinnedPolicyKeys: [], allowSimulated: true };
const request = { messages: [{ role: 'user' as const, content: 'hello enclave' }] };

async function makeHost(opts: { xwing?: boolean } = {}) {
  const hpke = await generateHpkeKeyPair(RequestSuites.x25519);
  const xwing = await generateHpkeKeyPair(RequestSuites.xwing);
  const signing = await generateSigningKeyPair();
  const claims: Claims = {
    version: 1,
    hostId: 'host-test',
    hpkePublicKey: toB64u(hpke.publicKey),
    signingPublicKey: toB64u(signing.publicKey),
    xwingPublicKey: opts.xwing === false ? undefined : toB64u(xwing.publicKey),
    models: [{ name: 'demo', weightsDigest: 'ab'.repeat(32) }],
    engine: { name: 'llama.cpp', imageDigest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000', version: 'test', args: [], agentConfigDigest: '0000000000000000000000000000000000000000000000000000000000000000' },
    gpuEvidenceDigests: [],
    createdAt: t - 60,
    expiresAt: t + 3600,
  };
  return { hpke, xwing, signing, bundle: await buildBundle(claims, createSimulatedProvider()) };
}
type Host = Awaited<ReturnType<typeof makeHost>>;

const meta = (): JobMeta => ({ jobId: crypto.randomUUID(), hostId: 'host-test', model: 'demo', maxTokens: 64, maxCharge: '5000000' });

/** The enclave's side: opens the request, streams `texts`, ends with a signed receipt. */
async function answer(host: Host, m: JobMeta, sealed: SealedRequest, texts: string[], edit: Partial<Receipt> = {}, signer = host.signing) {
  const { request: opened, sealer } = await openRequest({ keys: { [RequestSuites.xwing]: host.xwing.keyPair }, meta: m, sealed });
  const digest = new ResponseDigest();
  const chunks: SealedChunk[] = [];
  for (const text of texts) {
    const c = await sealer.seal({ type: 'delta', text }, false);
    await digest.update(c);
    chunks.push(c);
  }
  const receipt: Receipt = {
    version: 1,
    jobId: m.jobId,
    hostId: m.hostId,
    model: m.model,
    promptTokens: 12,
    completionTokens: texts.length,
    finishReason: 'stop',
    requestDigest: await requestDigest(sealed),
    responseDigest: digest.hex(),
    ...edit,
  };
  chunks.push(await sealer.seal({ type: 'end', receipt: await signReceipt(receipt, signer.privateKey) }, true));
  return { opened, responseNonce: sealer.responseNonce, chunks };
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}
const code = (r: Result<unknown>) => (r.ok ? 'ok' : r.error.code);

async function sealedJob(host: Host, service = createCryptoService({ now: () => now, ...dev })) {
  const v = value(await service.verifyHost(host.bundle));
  const m = meta();
  const sealed = value(await service.seal(v.bundleDigest, m, request));
  return { service, m, sealed, v };
}

describe('crypto worker service', () => {
  it('verifies, seals, opens the stream in order and checks the receipt', async () => {
    const host = await makeHost();
    const { service, m, sealed, v } = await sealedJob(host);
    expect(v).toMatchObject({ verified: true, hostId: 'host-test', simulated: true, tee: 'simulated', expiresAt: t + 3600 });
    expect(v.checks[0]).toEqual({ name: 'policy.signature', ok: false, skipped: true, reason: 'no operator key pinned in this build' });
    // All pass but the engine allowlist, which this unpinned (dev) build has none of.
    expect(v.checks.slice(1).filter((c) => !c.ok).map((c) => [c.name, c.skipped])).toEqual([['engine.allowed', true]]);

    const { opened, responseNonce, chunks } = await answer(host, m, sealed, ['Hel', 'lo']);
    expect(opened).toEqual(request);
    value(await service.start(m.jobId, responseNonce));
    const payloads = [];
    for (const c of chunks) payloads.push(value(await service.open(m.jobId, c)));
    expect(payloads.map((p) => (p.payload.type === 'delta' ? p.payload.text : p.payload.type))).toEqual(['Hel', 'lo', 'end']);
    expect(payloads.at(-1)?.receipt).toEqual({ valid: true, error: null });
    expect(code(await service.finish(m.jobId))).toBe('ok');
  });

  it('reports what the evidence measured, for the attestation sheet', async () => {
    const host = await makeHost();
    const v = value(await createCryptoService({ now: () => now, ...dev }).verifyHost(host.bundle));
    expect(v.measurements.mrTd).toMatch(/^[0-9a-f]{96}$/);
    expect(v.measurements.reportData).toMatch(/^[0-9a-f]{128}$/);
    expect([v.tcbStatus, v.image, v.gpus]).toEqual([null, null, []]);
  });

  it('refuses to seal to a host that failed attestation', async () => {
    const host = await makeHost();
    const service = createCryptoService({ now: () => now, ...dev, allowSimulated: false });
    const v = value(await service.verifyHost(host.bundle));
    expect(v.verified).toBe(false);
    expect(v.error?.code).toBe('attestation.simulated_not_allowed');
    expect(v.hostId).toBe('host-test');
    expect(code(await service.seal(v.bundleDigest, meta(), request))).toBe('job.invalid_state');
  });

  it('refuses another host id or a model the claims do not list', async () => {
    const host = await makeHost();
    const service = createCryptoService({ now: () => now, ...dev });
    const v = value(await service.verifyHost(host.bundle));
    expect(code(await service.seal(v.bundleDigest, { ...meta(), hostId: 'host-other' }, request))).toBe('attestation.host_mismatch');
    expect(code(await service.seal(v.bundleDigest, { ...meta(), model: 'other' }, request))).toBe('attestation.host_mismatch');
  });

  it('seals with X-Wing, and refuses (never falls back to X25519) a verified host whose claims carry no X-Wing key', async () => {
    const { sealed } = await sealedJob(await makeHost());
    expect(sealed.suite).toBe(RequestSuites.xwing);
    const legacy = await makeHost({ xwing: false });
    const service = createCryptoService({ now: () => now, ...dev });
    const v = value(await service.verifyHost(legacy.bundle));
    expect(v.verified).toBe(true);
    expect(code(await service.seal(v.bundleDigest, meta(), request))).toBe('envelope.suite_unsupported');
  });

  it('refuses to seal once the attestation has expired', async () => {
    const host = await makeHost();
    let clock = now;
    const service = createCryptoService({ now: () => clock, ...dev });
    const v = value(await service.verifyHost(host.bundle));
    clock = new Date((t + 3601) * 1000);
    expect(code(await service.seal(v.bundleDigest, meta(), request))).toBe('attestation.claims_expired');
  });

  it('reports a truncated stream and forgets the job', async () => {
    const host = await makeHost();
    const { service, m, sealed } = await sealedJob(host);
    const { responseNonce, chunks } = await answer(host, m, sealed, ['a', 'b']);
    value(await service.start(m.jobId, responseNonce));
    value(await service.open(m.jobId, chunks[0]!));
    expect(code(await service.finish(m.jobId))).toBe('envelope.stream_truncated');
    expect(code(await service.open(m.jobId, chunks[1]!))).toBe('job.not_found');
  });

  it('rejects a tampered or reordered chunk', async () => {
    const host = await makeHost();
    const { service, m, sealed } = await sealedJob(host);
    const { responseNonce, chunks } = await answer(host, m, sealed, ['a', 'b']);
    value(await service.start(m.jobId, responseNonce));
    expect(code(await service.open(m.jobId, chunks[1]!))).toBe('envelope.chunk_out_of_order');
    const c = chunks[0]!;
    const data = c.data.slice();
    data[0]! ^= 1;
    expect(code(await service.open(m.jobId, { ...c, data }))).toBe('envelope.chunk_tampered');
    // Not bytes (the base64 of an older wire format, say): refused at the worker's boundary.
    expect(code(await service.open(m.jobId, { ...c, data: 'AAAA' } as unknown as SealedChunk))).toBe('protocol.malformed_message');
  });

  it('flags a receipt signed by another key, or describing another request', async () => {
    const host = await makeHost();
    const stranger = await generateSigningKeyPair();
    for (const [edit, signer, expected] of [
      [{}, stranger, 'receipt.signature_invalid'],
      [{ requestDigest: '00'.repeat(32) }, host.signing, 'receipt.mismatch'],
      [{ completionTokens: 1000 }, host.signing, 'receipt.mismatch'],
    ] as const) {
      const { service, m, sealed } = await sealedJob(host);
      const { responseNonce, chunks } = await answer(host, m, sealed, ['x'], edit, signer);
      value(await service.start(m.jobId, responseNonce));
      value(await service.open(m.jobId, chunks[0]!));
      const end = value(await service.open(m.jobId, chunks[1]!));
      expect(end.receipt).toMatchObject({ valid: false, error: { code: expected } });
    }
  });
});
