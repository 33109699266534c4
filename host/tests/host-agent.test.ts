import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeClaims } from '@cocoon/shared/attestation/claims';
import { gpuNonceFor } from '@cocoon/shared/attestation/nvidia/nonce';
import { GpuReferenceSchema } from '@cocoon/shared/attestation/policy';
import { parseCollateral } from '@cocoon/shared/attestation/tdx/collateral';
import { verifyBundle } from '@cocoon/shared/attestation/verify';
import { requestRecipient, sealRequest } from '@cocoon/shared/crypto/envelope';
import type { ResponseOpener } from '@cocoon/shared/crypto/response-stream';
import { fromB64u, fromHex, sha256, toB64u, toHex } from '@cocoon/shared/protocol/encoding';
import { encodeNvidiaGpuEvidence } from '@cocoon/shared/protocol/gpu-evidence';
import { decodeChunkFrame, type ChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import type { ChunkPayload, JobMeta } from '@cocoon/shared/protocol/jobs';
import { TokenizeResponseSchema } from '@cocoon/shared/protocol/openai-chat';
import { RequestSuites, type RequestSuite } from '@cocoon/shared/protocol/request-suite';
import { HostToBrokerSchema, type BrokerToHost } from '@cocoon/shared/protocol/ws-messages';
import { requestDigest, verifyHostHello, verifyReceipt } from '@cocoon/shared/receipt';
import { readVectorText } from '@cocoon/shared/testing/vectors';
import { startDemoEngine, type DemoEngine } from '@cocoon/dev/engine/demo-engine';
import { createHostAgent, type HostAgent } from '../agent/host-agent';
import { createLogger } from '../agent/logger';
import { generateNodeKey, type NodeKey } from '../agent/node-key';
import { verifyNodeHello } from '@cocoon/shared/protocol/node-key';
import { createConfigfsTsmProvider } from '../attestation/configfs-tsm';
import { fakeKernel } from './support/fake-configfs';
import { fakeGpuEvidenceCommand, nvidiaVector, vectorOutput } from './support/fake-gpu-evidence';
import { fakePcs, PcsPaths } from './support/fake-pcs';

/** What the stand-in records: the host's JSON messages, and its binary chunk frames decoded as `job.chunk`. */
type HostMsg = ReturnType<typeof HostToBrokerSchema.parse> | { type: 'job.chunk'; jobId: string; chunk: ChunkFrame };

/** A stand-in broker: a real WebSocket server speaking the host protocol, recording what it gets. */
function fakeBroker() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  const received: HostMsg[] = [];
  const waiters: (() => void)[] = [];
  let socket: WebSocket | undefined;
  const challenge = crypto.getRandomValues(new Uint8Array(32));
  wss.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (d, isBinary) => {
      if (isBinary) {
        const chunk = decodeChunkFrame(new Uint8Array(d as Buffer));
        received.push({ type: 'job.chunk', jobId: chunk.jobId, chunk });
      } else received.push(HostToBrokerSchema.parse(JSON.parse(d.toString())));
      waiters.splice(0).forEach((w) => w());
    });
    ws.send(JSON.stringify({ type: 'host.challenge', challenge: toB64u(challenge) } satisfies BrokerToHost));
  });
  const until = async <T extends HostMsg>(pred: (m: HostMsg) => m is T, timeoutMs = 30_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = received.find(pred);
      if (m) return m;
      if (Date.now() > deadline) throw new Error('timed out waiting for host message');
      await new Promise<void>((r) => (waiters.push(r), setTimeout(r, 200)));
    }
  };
  return {
    challenge,
    received,
    until,
    send: (m: BrokerToHost) => socket!.send(JSON.stringify(m)),
    url: () => `ws://127.0.0.1:${(wss.address() as { port: number }).port}`,
    dropConnection: () => socket?.terminate(),
    close: () => new Promise<void>((r) => wss.close(() => r())),
  };
}

const is = <K extends HostMsg['type']>(type: K, jobId?: string) => (m: HostMsg): m is Extract<HostMsg, { type: K }> =>
  m.type === type && (jobId === undefined || !('jobId' in m) || m.jobId === jobId);

/** Each machine's persistent node key: its public key is the host id. */
const keys = { agent: await generateNodeKey(), tdx: await generateNodeKey(), gpu: await generateNodeKey(), gpuFailing: await generateNodeKey() };

/** The network's base price the stand-in broker sends with each job (micro-credits per 1M tokens). */
const PRICE = { promptPerMillion: '1000000000', completionPerMillion: '2000000000' };

let demo: DemoEngine;
beforeAll(async () => {
  demo = await startDemoEngine();
}, 120_000);
afterAll(() => demo.close());

describe('host agent against a stand-in broker, with the demo engine', () => {
  const broker = fakeBroker();
  let agent: HostAgent;

  beforeAll(async () => {
    agent = createHostAgent(
      { brokerUrls: [broker.url()], enrollToken: 'enroll-token-0123456789', nodeKey: keys.agent, machine: { agentVersion: '0.1.0', gpus: [{ name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, ccMode: 'on' }] }, engine: demo.config, tee: 'simulated', pccsUrl: 'http://127.0.0.1:9', gpu: { mode: 'off' }, priceCoefficientMilli: 1000, claimsTtlSeconds: 3600, logLevel: 'silent' },
      { logger: createLogger('silent') },
    );
    await Promise.all([agent.start(), broker.until(is('host.hello')).then(() => broker.send({ type: 'host.welcome', hostId: keys.agent.hostId }))]);
  }, 120_000);
  afterAll(async () => {
    await agent.close();
    await broker.close();
  });

  async function hello() {
    const h = await broker.until(is('host.hello'));
    const v = await verifyBundle(h.bundle, { policy: { allowSimulated: true } });
    return { h, claims: v.claims! };
  }

  async function submit(maxTokens = 24, content = 'What is free software?', suite?: RequestSuite, maxCharge = '1000000000000') {
    const { claims } = await hello();
    const meta: JobMeta = { jobId: crypto.randomUUID(), hostId: claims.hostId, model: claims.models[0]!.name, maxTokens, maxCharge };
    const { sealed, opener } = await sealRequest({ recipient: requestRecipient(claims, suite), meta, request: { messages: [{ role: 'user', content }], seed: 1 } });
    return { meta, sealed, opener, claims };
  }

  /** Opens the job's stream as the client does; the text and the final payload. */
  async function answerOf(meta: JobMeta, opener: ResponseOpener) {
    await broker.until(is('job.end', meta.jobId));
    await opener.start((await broker.until(is('job.start', meta.jobId))).responseNonce);
    const payloads: ChunkPayload[] = [];
    for (const m of broker.received.filter(is('job.chunk', meta.jobId))) payloads.push(await opener.open(m.chunk));
    opener.end();
    return { text: payloads.flatMap((p) => (p.type === 'delta' ? [p.text] : [])).join(''), last: payloads.at(-1)! };
  }

  it('says hello with a verifiable bundle and a signature over the challenge', async () => {
    const { h, claims } = await hello();
    expect(claims.hostId).toBe(keys.agent.hostId);
    expect(h.bundle.collateral).toBeUndefined(); // the simulated TEE never asks a PCCS
    expect(h.enrollToken).toBe('enroll-token-0123456789');
    expect(await verifyHostHello(broker.challenge, h.challengeSignature, fromB64u(claims.signingPublicKey))).toBe(true);
    // The node key answers the same challenge under its own context: the id is the key.
    expect(await verifyNodeHello(broker.challenge, claims.hostId, h.nodeSignature)).toBe(true);
    expect(await verifyNodeHello(broker.challenge, keys.tdx.hostId, h.nodeSignature)).toBe(false);
    expect(h.machine).toEqual({ agentVersion: '0.1.0', gpus: [{ name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, ccMode: 'on' }] });
  });

  it('answers a sealed job with sealed chunks and a signed receipt from the engine usage', async () => {
    const { meta, sealed, opener, claims } = await submit();
    expect(sealed.suite).toBe(RequestSuites.xwing);
    broker.send({ type: 'job.open', meta, request: sealed, price: PRICE });
    const end = await broker.until(is('job.end', meta.jobId));
    const start = await broker.until(is('job.start', meta.jobId));
    await opener.start(start.responseNonce);
    const payloads: ChunkPayload[] = [];
    for (const m of broker.received.filter(is('job.chunk', meta.jobId))) payloads.push(await opener.open(m.chunk));
    opener.end();
    const text = payloads.flatMap((p) => (p.type === 'delta' ? [p.text] : [])).join('');
    expect(text.trim().length).toBeGreaterThan(0);
    const last = payloads.at(-1)!;
    expect(last.type).toBe('end');
    expect(last.type === 'end' && last.receipt).toEqual(end.receipt);
    expect(await verifyReceipt(end.receipt, fromB64u(claims.signingPublicKey))).toBe(true);
    expect(end.receipt.receipt).toMatchObject({ jobId: meta.jobId, model: meta.model, requestDigest: await requestDigest(sealed) });
    expect(end.receipt.receipt.promptTokens).toBeGreaterThan(0);
    expect(end.receipt.receipt.completionTokens).toBeGreaterThan(0);
    expect(end.receipt.receipt.completionTokens).toBeLessThanOrEqual(meta.maxTokens);
  });

  it('passes tools and sampling to the engine and streams its tool call back sealed, finish reason kept', async () => {
    const { claims } = await hello();
    const meta: JobMeta = { jobId: crypto.randomUUID(), hostId: claims.hostId, model: claims.models[0]!.name, maxTokens: 64, maxCharge: '1000000000000' };
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
    const request = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Use get_weather for Paris' }] }], tools, toolChoice: 'auto' as const, stop: ['\n'], presencePenalty: 0.5, seed: 1 };
    const { sealed, opener } = await sealRequest({ recipient: requestRecipient(claims), meta, request });
    broker.send({ type: 'job.open', meta, request: sealed, price: PRICE });
    await broker.until(is('job.end', meta.jobId));
    await opener.start((await broker.until(is('job.start', meta.jobId))).responseNonce);
    const payloads: ChunkPayload[] = [];
    for (const m of broker.received.filter(is('job.chunk', meta.jobId))) payloads.push(await opener.open(m.chunk));
    const calls = payloads.filter((p) => p.type === 'tool_call');
    expect(calls[0]).toMatchObject({ index: 0, name: 'get_weather' });
    expect(calls[0]?.id).toMatch(/^chatcmpl-tool-/);
    expect(JSON.parse(calls.map((c) => c.arguments ?? '').join(''))).toEqual({ city: 'Paris' });
    expect(payloads.some((p) => p.type === 'delta')).toBe(false);
    const last = payloads.at(-1)!;
    expect(last.type === 'end' && last.receipt.receipt).toMatchObject({ finishReason: 'tool_calls', completionTokens: calls.length });
  });

  it('attests an X-Wing key beside the X25519 one, and opens requests of either suite', async () => {
    const { claims } = await hello();
    expect(fromB64u(claims.xwingPublicKey!)).toHaveLength(1216);
    expect(fromB64u(claims.hpkePublicKey)).toHaveLength(32);
    for (const suite of [RequestSuites.xwing, RequestSuites.x25519]) {
      const { meta, sealed, opener } = await submit(8, 'Hello?', suite);
      expect(sealed.suite).toBe(suite);
      broker.send({ type: 'job.open', meta, request: sealed, price: PRICE });
      const { text, last } = await answerOf(meta, opener);
      expect(text.trim().length).toBeGreaterThan(0);
      expect(last.type).toBe('end');
    }
  });

  it('never starts a request whose suite label was changed on the way', async () => {
    const relabelled = await submit(8);
    broker.send({ type: 'job.open', meta: relabelled.meta, request: { ...relabelled.sealed, suite: RequestSuites.x25519 }, price: PRICE } as BrokerToHost);
    const next = await submit(8); // handled after the relabelled frame, on the same connection
    broker.send({ type: 'job.open', meta: next.meta, request: next.sealed, price: PRICE });
    await answerOf(next.meta, next.opener);
    expect(broker.received.some((m) => 'jobId' in m && m.jobId === relabelled.meta.jobId)).toBe(false);
  });

  it('refuses a request whose metadata was swapped, with envelope.open_failed', async () => {
    const { meta, sealed } = await submit();
    broker.send({ type: 'job.open', meta: { ...meta, maxTokens: meta.maxTokens + 1 }, request: sealed, price: PRICE });
    const err = await broker.until(is('job.error', meta.jobId));
    expect(err.error.code).toBe('envelope.open_failed');
    expect(broker.received.some(is('job.start', meta.jobId))).toBe(false);
  });

  it('stops on cancel after the first token and bills the whole prompt, as the engine counts it, and the tokens streamed', async () => {
    // A long prompt (about 1,350 tokens of the demo model's 2,048): processing it is most of the work.
    const content = `Write a long essay about software freedom and licenses. ${'The license grants the freedom to run, study, share and modify the software. '.repeat(60)}`;
    const { meta, sealed } = await submit(400, content);
    broker.send({ type: 'job.open', meta, request: sealed, price: PRICE });
    await broker.until(is('job.chunk', meta.jobId));
    broker.send({ type: 'job.cancel', jobId: meta.jobId });
    const end = await broker.until(is('job.end', meta.jobId));
    // Engine deltas relayed: each chunk frame counts those it carries.
    const streamed = broker.received.filter(is('job.chunk', meta.jobId)).reduce((n, m) => n + m.chunk.pieces, 0);
    const tokenized = await fetch(new URL('/tokenize', demo.url), {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: meta.model, messages: [{ role: 'user', content }] }),
    }).then(async (r) => TokenizeResponseSchema.parse(await r.json()));
    expect(tokenized.count).toBeGreaterThan(1_000);
    expect(end.receipt.receipt).toMatchObject({ finishReason: 'cancelled', promptTokens: tokenized.count, completionTokens: streamed });
    expect(streamed).toBeGreaterThanOrEqual(1);
    expect(streamed).toBeLessThan(400);
  });

  it('refuses, before it starts, a request whose AAD-bound cap is below its price', async () => {
    // 24 tokens of a short prompt: the worst case is (1,040 + 512) prompt tokens and 24 completion tokens at 1x.
    const worstCase = 1_552n * 1_000n + 24n * 2_000n;
    const below = await submit(24, 'Hello?', undefined, String(worstCase - 1n));
    broker.send({ type: 'job.open', meta: below.meta, request: below.sealed, price: PRICE });
    const err = await broker.until(is('job.error', below.meta.jobId));
    expect(err.error.code).toBe('job.price_above_limit');
    expect(broker.received.some(is('job.start', below.meta.jobId))).toBe(false);
    const at = await submit(24, 'Hello?', undefined, String(worstCase));
    broker.send({ type: 'job.open', meta: at.meta, request: at.sealed, price: PRICE });
    const { last } = await answerOf(at.meta, at.opener);
    expect(last.type).toBe('end');
  });

  it('reconnects after the broker drops the connection and says hello again, with the node key and without the spent token', async () => {
    const hellos = broker.received.filter(is('host.hello')).length;
    broker.dropConnection();
    const deadline = Date.now() + 20_000;
    while (broker.received.filter(is('host.hello')).length === hellos && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const all = broker.received.filter(is('host.hello'));
    expect(all.length).toBe(hellos + 1);
    expect(all.at(-1)!.enrollToken).toBeUndefined();
    expect(await verifyNodeHello(broker.challenge, keys.agent.hostId, all.at(-1)!.nodeSignature)).toBe(true);
  });
});

describe('host agent on a TDX guest (configfs-tsm laid out in a temporary directory, a stand-in PCCS)', () => {
  const broker = fakeBroker();
  const kernel = fakeKernel();
  const LogLine = z.object({ level: z.number(), code: z.string().optional(), msg: z.string() });
  const logs: z.infer<typeof LogLine>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logs.push(LogLine.parse(JSON.parse(line))) });
  let pcs: Awaited<ReturnType<typeof fakePcs>>;
  let agent: HostAgent;

  beforeAll(async () => {
    // The forged quotes carry Cocoon's FMSPC; the stand-in answers with Phala's collateral for it.
    pcs = await fakePcs({ fmspcs: ['90C06F000000'] });
    agent = createHostAgent(
      { brokerUrls: [broker.url()], enrollToken: 'enroll-token-0123456789', nodeKey: keys.tdx, engine: demo.config, tee: 'tdx', pccsUrl: pcs.url, gpu: { mode: 'off' }, priceCoefficientMilli: 1000, claimsTtlSeconds: 3600, logLevel: 'warn' },
      { logger, teeProvider: createConfigfsTsmProvider({ root: kernel.root, fs: kernel.fs }) },
    );
    await Promise.all([agent.start(), broker.until(is('host.hello')).then(() => broker.send({ type: 'host.welcome', hostId: keys.tdx.hostId }))]);
  }, 120_000);
  afterAll(async () => {
    await agent.close();
    await broker.close();
    await pcs.close();
    kernel.cleanup();
  });

  const checksOf = async (bundle: Parameters<typeof verifyBundle>[0]) =>
    Object.fromEntries((await verifyBundle(bundle, { policy: { allowSimulated: false } })).checks.map((c) => [c.name, c]));

  it('says hello with a TDX bundle whose quote binds its claims; the (look-alike) chain anchor fails', async () => {
    const h = await broker.until(is('host.hello'));
    expect(h.bundle.tee).toBe('tdx');
    const r = await verifyBundle(h.bundle, { policy: { allowSimulated: false } });
    const byName = Object.fromEntries(r.checks.map((c) => [c.name, c]));
    expect(byName['quote.signature']?.ok).toBe(true);
    expect(byName['qe.report_data_binding']?.ok).toBe(true);
    expect(byName['claims.report_data_binding']?.ok).toBe(true);
    expect(byName['pck.chain']?.ok).toBe(false);
    expect([r.ok, r.claims]).toEqual([false, undefined]);
  });

  it("carries the PCCS's collateral for its quote's FMSPC; verifiers parse it and find it is another platform's", async () => {
    const h = await broker.until(is('host.hello'));
    expect(pcs.requests).toContain('/tdx/certification/v4/tcb?fmspc=90C06F000000');
    expect(parseCollateral(h.bundle.collateral).tcbInfo.fmspc).toBe('b0c06f000000');
    const byName = await checksOf(h.bundle);
    expect(byName['collateral.parse']?.ok).toBe(true);
    expect(byName['collateral.tcb_info']).toMatchObject({ ok: false, reason: 'TCB info is for FMSPC b0c06f000000, the PCK certificate says 90c06f000000' });
  });

  it('re-attestation fetches fresh collateral; when the PCCS fails, the bundle goes out without it and the log says why', async () => {
    const asked = pcs.requests.length;
    expect((await agent.identity!.reattest()).collateral).toBeDefined();
    expect(pcs.requests.length).toBeGreaterThan(asked);

    pcs.fault(PcsPaths.tcb, 'http-503');
    const bare = await agent.identity!.reattest();
    pcs.clear();
    expect(bare.collateral).toBeUndefined();
    expect(agent.identity!.bundle()).toBe(bare);
    expect(logs.at(-1)).toMatchObject({ level: 40, code: 'attestation.collateral_unavailable', msg: 'Intel collateral unavailable: the bundle goes out without it' });
    const byName = await checksOf(bare);
    // Verifiers fail it closed (the broker attaches cached collateral when it has some: server/attestation/collateral-cache.ts).
    expect([byName['collateral.parse']?.ok, byName['collateral.parse']?.skipped, byName['tcb.status']?.skipped]).toEqual([false, undefined, true]);
    expect(byName['claims.report_data_binding']?.ok).toBe(true);
  });
});

describe('host agent with NVIDIA GPUs in CC mode (simulated TEE; a stand-in evidence command prints the recorded H100 report)', () => {
  const broker = fakeBroker();
  const gpu = fakeGpuEvidenceCommand();
  const config = (nodeKey: NodeKey, command: [string, ...string[]]) => ({
    brokerUrls: [broker.url()], enrollToken: 'enroll-token-0123456789', nodeKey, engine: demo.config,
    tee: 'simulated' as const, pccsUrl: 'http://127.0.0.1:9', gpu: { mode: 'auto' as const, command }, priceCoefficientMilli: 1000, claimsTtlSeconds: 3600, logLevel: 'silent',
  });
  const vectorBlob = encodeNvidiaGpuEvidence(fromHex(nvidiaVector.reportHex), nvidiaVector.certChain);
  let agent: HostAgent;

  beforeAll(async () => {
    agent = createHostAgent(config(keys.gpu, gpu.command), { logger: createLogger('silent') });
    await Promise.all([agent.start(), broker.until(is('host.hello')).then(() => broker.send({ type: 'host.welcome', hostId: keys.gpu.hostId }))]);
  }, 120_000);
  afterAll(async () => {
    await agent.close();
    await broker.close();
    gpu.cleanup();
  });

  it("asks the GPUs with the claims' nonce and lists the evidence digest in the claims the quote binds", async () => {
    const h = await broker.until(is('host.hello'));
    const { claims } = decodeClaims(h.bundle.claims);
    expect(gpu.nonces()).toEqual([toHex(await gpuNonceFor(claims))]);
    expect(h.bundle.gpuEvidence).toEqual([{ kind: 'nvidia-cc-spdm-v1', data: toB64u(vectorBlob) }]);
    expect(claims.gpuEvidenceDigests).toEqual([toHex(await sha256(vectorBlob))]);
  });

  it('verifiers run the GPU checks: the report parses, chains to NVIDIA and is signed, but carries its own nonce, not ours; CC and debug mode pass only against reference measurements', async () => {
    const h = await broker.until(is('host.hello'));
    const r = await verifyBundle(h.bundle, { policy: { allowSimulated: true } });
    expect(r.checks.filter((c) => c.name.startsWith('gpu')).map((c) => [c.name, c.skipped ? 'skipped' : c.ok])).toEqual([
      ['gpu.evidence', true], ['gpu[0].parse', true], ['gpu[0].chain', true], ['gpu[0].signature', true], ['gpu[0].fwid', true], ['gpu[0].nonce', false],
      ['gpu[0].cc_mode', false], ['gpu[0].debug_off', false], ['gpu[0].firmware', 'skipped'],
    ]);
    expect(r.checks.filter((c) => !c.ok && !c.skipped).map((c) => c.name)).toEqual(['gpu[0].nonce', 'gpu[0].cc_mode', 'gpu[0].debug_off']);
    expect([r.ok, r.error?.code, r.claims, r.gpu?.[0]?.nonce]).toEqual([false, 'attestation.gpu_nonce_mismatch', undefined, nvidiaVector.nonceHex]);
    const gpuReferences = GpuReferenceSchema.array().parse(JSON.parse(readVectorText('nvidia/nvtrust-hopper-reference.json')));
    const referenced = await verifyBundle(h.bundle, { policy: { allowSimulated: true, gpuReferences } });
    expect(referenced.checks.filter((c) => !c.ok && !c.skipped).map((c) => c.name)).toEqual(['gpu[0].nonce']);
  });

  it('re-attests with evidence for the new claims; when the command fails, the previous bundle stays', async () => {
    const fresh = await agent.identity!.reattest();
    expect(gpu.nonces().at(-1)).toBe(toHex(await gpuNonceFor(decodeClaims(fresh.claims).claims)));
    gpu.fail();
    try {
      await expect(agent.identity!.reattest()).rejects.toMatchObject({ code: 'attestation.gpu_evidence_unavailable' });
    } finally {
      gpu.print(vectorOutput);
    }
    expect(agent.identity!.bundle()).toBe(fresh);
    expect(agent.identity!.claims()).toEqual(decodeClaims(fresh.claims).claims);
  });

  it('refuses to start, naming the reason, when the configured command fails: never a GPU-less bundle', async () => {
    const failing = fakeGpuEvidenceCommand();
    failing.fail();
    const broken = createHostAgent(config(keys.gpuFailing, failing.command), { logger: createLogger('silent') });
    try {
      await expect(broken.start()).rejects.toMatchObject({
        code: 'attestation.gpu_evidence_unavailable',
        message: 'GPU evidence command: exited with code 3: NVML: Driver Not Loaded',
      });
      expect(failing.nonces()).toHaveLength(1);
      expect(broken.identity).toBeUndefined();
      expect(broker.received.filter(is('host.hello')).map((m) => decodeClaims(m.bundle.claims).claims.hostId)).not.toContain(keys.gpuFailing.hostId);
    } finally {
      await broken.close();
      failing.cleanup();
    }
  });
});
