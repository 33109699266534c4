import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { verifyBundle } from '@cocoon/shared/attestation/verify';
import { requestRecipient, sealRequest } from '@cocoon/shared/crypto/envelope';
import { toB64u } from '@cocoon/shared/protocol/encoding';
import type { JobMeta } from '@cocoon/shared/protocol/jobs';
import { HostToBrokerSchema, type BrokerToHost } from '@cocoon/shared/protocol/ws-messages';
import { createHostAgent, type HostAgent } from '../agent/host-agent';
import { createLogger } from '../agent/logger';
import { generateNodeKey } from '../agent/node-key';

type HostMsg = ReturnType<typeof HostToBrokerSchema.parse>;
const MODEL = 'stub/model';
const PRICE = { promptPerMillion: '1000000000', completionPerMillion: '2000000000' };

/** An OpenAI-compatible engine whose answers never end: every job stays in flight. */
function stalledEngine(): Promise<{ url: string; close(): Promise<void> }> {
  const open: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    if (req.url === '/v1/models') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model' }] }));
    if (req.url === '/v1/chat/completions') {
      res.writeHead(200, { 'content-type': 'text/event-stream' }).write(': thinking\n\n');
      return void open.push(res);
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
        close: () => new Promise<void>((r) => (open.forEach((s) => s.destroy()), server.close(() => r()))),
      }),
    ),
  );
}

describe('host agent capacity (COCOON_MAX_CONCURRENT_JOBS)', () => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  const received: HostMsg[] = [];
  let socket: WebSocket | undefined;
  let engine: Awaited<ReturnType<typeof stalledEngine>>;
  let agent: HostAgent;
  const send = (m: BrokerToHost) => socket!.send(JSON.stringify(m));
  const first = <T extends HostMsg['type']>(type: T, jobId?: string) =>
    received.find((m): m is Extract<HostMsg, { type: T }> => m.type === type && (jobId === undefined || ('jobId' in m && m.jobId === jobId)));

  beforeAll(async () => {
    wss.on('connection', (ws) => {
      socket = ws;
      ws.on('message', (d) => received.push(HostToBrokerSchema.parse(JSON.parse(String(d)))));
      ws.send(JSON.stringify({ type: 'host.challenge', challenge: toB64u(crypto.getRandomValues(new Uint8Array(32))) } satisfies BrokerToHost));
    });
    engine = await stalledEngine();
    const port = (wss.address() as AddressInfo).port;
    const nodeKey = await generateNodeKey();
    agent = createHostAgent(
      {
        brokerUrls: [`ws://127.0.0.1:${port}`], enrollToken: 'enroll-token-0123456789', nodeKey, tee: 'simulated', pccsUrl: 'http://127.0.0.1:9', gpu: { mode: 'off' },
        engine: { url: engine.url, name: 'stub', imageDigest: `sha256:${'0'.repeat(64)}`, version: '1', args: [], modelDigests: { [MODEL]: 'ab'.repeat(32) } },
        priceCoefficientMilli: 1000, claimsTtlSeconds: 3600, maxConcurrentJobs: 1, logLevel: 'silent',
      },
      { logger: createLogger('silent') },
    );
    const started = agent.start();
    while (!first('host.hello')) await new Promise((r) => setTimeout(r, 20));
    send({ type: 'host.welcome', hostId: nodeKey.hostId });
    await started;
  });
  afterAll(async () => {
    await agent?.close();
    await engine?.close();
    await new Promise<void>((r) => wss.close(() => r()));
  });

  async function job() {
    const { claims } = await verifyBundle(first('host.hello')!.bundle, { policy: { allowSimulated: true } });
    const meta: JobMeta = { jobId: crypto.randomUUID(), hostId: claims!.hostId, model: MODEL, maxTokens: 16, maxCharge: '1000000000000' };
    const { sealed } = await sealRequest({ recipient: requestRecipient(claims!), meta, request: { messages: [{ role: 'user', content: 'hi' }] } });
    return { type: 'job.open' as const, meta, request: sealed, price: PRICE };
  }

  it('states its capacity in the hello and refuses a job beyond it with host.busy', async () => {
    expect(first('host.hello')?.maxConcurrentJobs).toBe(1);
    const [running, extra] = [await job(), await job()];
    send(running);
    await expect.poll(() => first('job.start', running.meta.jobId)).toBeDefined();
    send(extra);
    await expect.poll(() => first('job.error', extra.meta.jobId)).toMatchObject({ error: { code: 'host.busy' } });
    expect(first('job.start', extra.meta.jobId)).toBeUndefined();
    expect(first('job.error', running.meta.jobId)).toBeUndefined();
  });
});
