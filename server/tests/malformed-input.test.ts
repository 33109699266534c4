import { randomUUID } from 'node:crypto';
import { beginCell, contractAddress, storeStateInit, type Cell } from '@ton/core';
import { keyPairFromSeed } from '@ton/crypto';
import { WalletContractV4 } from '@ton/ton';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import { fromB64u } from '@cocoon/shared/protocol/encoding';
import { signNodeHello } from '@cocoon/shared/protocol/node-key';
import { TonProofPayloadResponseSchema } from '@cocoon/shared/protocol/payments';
import { assertFuzz, FuzzFailure, fuzzTarget } from '@cocoon/shared/testing/fuzz/harness';
import { messageInputs, messageText, type MessageInput } from '@cocoon/shared/testing/fuzz/messages';
import { anyString } from '@cocoon/shared/testing/fuzz/mutate';
import { signHostHello } from '@cocoon/shared/receipt';
import type { CocoonServer } from '../app';
import { signInitData } from '../auth/init-data';
import { WEBHOOK_PATH } from '../payments/stars-gateway';
import type { TonConnectRequest } from '../ton/verify-connect';
import { openClient, sealJob } from './support/client';
import { createFakeIdentity, defaultScript } from './support/fake-host';
import { startJobFixture, type JobFixture } from './support/job-fixture';
import { fixture } from './support/stars';
import { buildTestServer, enrollToken, initDataFor, signIn, TEST_BOT_TOKEN } from './support/test-server';
import { signTonProof } from './support/ton';
import { TestSocket } from './support/ws-client';

/**
 * Input that passes JSON parsing and looks like the protocol but cannot be decoded (base64url of an
 * impossible length or with stray bits, NUL where text is stored, a wallet layout too short to hold
 * a key) is the caller's fault: 400 `protocol.malformed_message` (or the route's own 4xx code) over
 * HTTP, an error frame with that code over WebSocket, never `internal` and never an error log.
 */

const B64U = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** `s` (not a multiple of 3 bytes) with a stray low bit in its last character: the same bytes to a lenient decoder, another encoding. */
const strayBits = (s: string) => s.slice(0, -1) + B64U[B64U.indexOf(s.at(-1)!) | 1]!;
const lengthOneMod4 = (s: string) => s + 'A'.repeat((5 - (s.length % 4)) % 4);

const noInternalErrors = (logs: string[]) => {
  const bad = logs.filter((l) => /"level":50|"code":"internal"/.test(l));
  expect(bad, bad.join('\n')).toEqual([]);
};

describe('malformed input over HTTP', () => {
  const WEBHOOK_SECRET = 'webhook-secret-for-malformed-input_0123456789';
  let server: CocoonServer;
  let logs: string[];
  beforeAll(async () => {
    const built = buildTestServer({ TON_NETWORK: 'sandbox', TON_PROOF_DOMAINS: 'cocoon.test', TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET, TELEGRAM_API_URL: 'http://127.0.0.1:9' });
    ({ server, logs } = built);
    await server.app.ready();
  });
  afterAll(() => server.close());

  const post = (url: string, payload: object, headers: Record<string, string> = {}) => server.app.inject({ method: 'POST', url, headers, payload });
  const outcome = (res: { statusCode: number; json(): { error?: { code?: string } } }) => ({ status: res.statusCode, code: res.json().error?.code });

  async function tonConnect(body: (payload: string) => TonConnectRequest) {
    const { token } = await signIn(server);
    const auth = { authorization: `Bearer ${token}` };
    const issued = await server.app.inject({ method: 'GET', url: '/api/ton/proof-payload', headers: auth });
    const { payload } = TonProofPayloadResponseSchema.parse(issued.json());
    return post('/api/ton/connect', body(payload), auth);
  }

  /** A real v4 wallet's proof for `payload`, made now for cocoon.test. */
  function walletProof(payload: string, edit?: (init: { code: Cell; data: Cell }) => void): TonConnectRequest {
    const keys = keyPairFromSeed(Buffer.alloc(32, 7));
    const init = { ...WalletContractV4.create({ workchain: 0, publicKey: keys.publicKey }).init };
    edit?.(init);
    const address = contractAddress(0, init);
    const timestamp = Math.floor(Date.now() / 1000);
    const domain = 'cocoon.test';
    return {
      address: address.toRawString(),
      network: '-239',
      walletStateInit: beginCell().store(storeStateInit(init)).endCell().toBoc().toString('base64'),
      proof: { timestamp, domain: { lengthBytes: domain.length, value: domain }, payload, signature: signTonProof(keys.secretKey, { address, domain, timestamp, payload }) },
    };
  }

  it('ton_proof whose StateInit has wallet v4 code and an empty data cell: 400 ton.proof_invalid, not 500', async () => {
    const res = await tonConnect((payload) => walletProof(payload, (init) => (init.data = beginCell().endCell())));
    expect(outcome(res)).toEqual({ status: 400, code: 'ton.proof_invalid' });
  });

  it('ton_proof whose signature carries a stray character or whitespace: 400 ton.proof_invalid, not accepted', async () => {
    for (const edit of [(s: string) => `${s.slice(0, 10)}!${s.slice(10)}`, (s: string) => `${s.slice(0, 10)} ${s.slice(10)}`]) {
      const res = await tonConnect((payload) => {
        const body = walletProof(payload);
        return { ...body, proof: { ...body.proof, signature: edit(body.proof.signature) } };
      });
      expect(outcome(res)).toEqual({ status: 400, code: 'ton.proof_invalid' });
    }
    // The same proof, correctly encoded, is accepted: the refusal above is the encoding's.
    expect((await tonConnect((payload) => walletProof(payload))).statusCode).toBe(200);
  });

  it('ton_proof with numbers out of range: 400 protocol.malformed_message', async () => {
    for (const proof of [{ timestamp: 2 ** 64 }, { timestamp: 1.5 }, { domain: { lengthBytes: 1e300, value: 'cocoon.test' } }]) {
      const res = await tonConnect((payload) => {
        const body = walletProof(payload);
        return { ...body, proof: { ...body.proof, ...proof } };
      });
      expect(outcome(res)).toEqual({ status: 400, code: 'protocol.malformed_message' });
    }
  });

  it('signed initData whose user name holds NUL: 401 auth.init_data_invalid, not a database error', async () => {
    const user = JSON.stringify({ id: 700_000_001, first_name: 'A\u0000B', username: 'nul' });
    const initData = signInitData({ auth_date: String(Math.floor(Date.now() / 1000)), query_id: 'q', user }, TEST_BOT_TOKEN);
    expect(outcome(await post('/api/session', { initData }))).toEqual({ status: 401, code: 'auth.init_data_invalid' });
  });

  it('a Telegram update whose invoice payload holds NUL is ignored with 200 (Telegram would retry a 500 forever)', async () => {
    const update = fixture('successful-payment');
    update.message.successful_payment.invoice_payload = 'cc1.\u0000';
    const res = await post(WEBHOOK_PATH, update, { 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET });
    expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 200, body: { ok: true } });
  });

  it('query numbers out of range: 400 protocol.malformed_message', async () => {
    const { token } = await signIn(server);
    for (const limit of ['1e400', '-1', '2.5', 'NaN']) {
      const res = await server.app.inject({ method: 'GET', url: `/api/credits/history?limit=${limit}`, headers: { authorization: `Bearer ${token}` } });
      expect(outcome(res), limit).toEqual({ status: 400, code: 'protocol.malformed_message' });
    }
  });

  it('none of it was logged as an internal error', () => noInternalErrors(logs));
});

describe('malformed input over WebSocket', () => {
  let f: JobFixture;
  beforeAll(async () => {
    f = await startJobFixture();
  });
  afterAll(async () => f?.t.close());

  type ErrorFrame = { type: 'error'; jobId?: string; error: { code: string } };

  it('job.create whose ciphertext is 1 mod 4 long, or whose enc has stray bits: error frame protocol.malformed_message', async () => {
    const { token } = await signIn(f.t.server);
    const client = await openClient(f.t.wsUrl, token);
    const job = await sealJob(f.id);
    for (const request of [{ ...job.request, ciphertext: lengthOneMod4(job.request.ciphertext) }, { ...job.request, enc: strayBits(job.request.enc) }]) {
      client.send({ type: 'job.create', meta: { ...job.meta, jobId: randomUUID() }, request });
      expect(await client.next<ErrorFrame>('error')).toMatchObject({ error: { code: 'protocol.malformed_message' } });
    }
    // The connection still serves a well-formed job afterwards.
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    expect(await client.next('job.accepted')).toMatchObject({ jobId: job.meta.jobId });
    await client.next('job.settled');
    client.close();
  });

  it('a host chunk frame with a bad header: error frame protocol.malformed_message to the host, not internal', async () => {
    const { token } = await signIn(f.t.server);
    const client = await openClient(f.t.wsUrl, token);
    f.host.script = { ...defaultScript, stall: true };
    try {
      const job = await sealJob(f.id);
      client.send({ type: 'job.create', meta: job.meta, request: job.request });
      await client.next('job.accepted');
      const jobId = job.meta.jobId;
      f.host.socket.send({ type: 'job.start', jobId, responseNonce: 'A'.repeat(43) });
      // One bad frame (three would drop the host): every header refusal is in shared/protocol/chunk-frame.test.ts.
      const frame = encodeChunkFrame({ jobId, seq: 0, final: false, pieces: 1, data: new Uint8Array(32) });
      frame[1] = 0x02; // an unknown flag
      f.host.socket.send(frame);
      expect(await f.host.socket.next<ErrorFrame>('error')).toMatchObject({ error: { code: 'protocol.malformed_message' } });
      f.host.socket.send({ type: 'job.error', jobId, error: { code: 'engine.unavailable', message: 'gave up' } });
      expect(await client.next<ErrorFrame>('error')).toMatchObject({ jobId, error: { code: 'engine.unavailable' } });
    } finally {
      f.host.script = defaultScript;
      client.close();
    }
  });

  it('a client never sends binary frames: a chunk frame from a client is protocol.malformed_message', async () => {
    const { token } = await signIn(f.t.server);
    const client = await openClient(f.t.wsUrl, token);
    client.send(encodeChunkFrame({ jobId: randomUUID(), seq: 0, final: false, pieces: 1, data: new Uint8Array(32) }));
    expect(await client.next<ErrorFrame>('error')).toMatchObject({ error: { code: 'protocol.malformed_message' } });
    client.close();
  });

  it('host.hello whose challenge signature has stray bits in its last character: protocol.malformed_message, not enrolled', async () => {
    const id = await createFakeIdentity();
    const socket = await TestSocket.open(`${f.t.wsUrl}/api/host`);
    const { challenge } = await socket.next<{ challenge: string }>('host.challenge');
    const signature = await signHostHello(fromB64u(challenge), id.signing.privateKey);
    const nodeSignature = await signNodeHello(fromB64u(challenge), id.claims.hostId, id.node.privateKey);
    socket.send({ type: 'host.hello', protocol: 1, bundle: id.bundle, enrollToken: await enrollToken(f.t), challengeSignature: strayBits(signature), nodeSignature, priceCoefficientMilli: 1000 });
    expect(await socket.next<ErrorFrame>()).toMatchObject({ type: 'error', error: { code: 'protocol.malformed_message' } });
    expect(f.t.server.services().registry.get(id.claims.hostId)).toBeUndefined();
    socket.close();
  });

  it('none of it was logged as an internal error', () => noInternalErrors(f.t.logs));
});

describe('fuzzed HTTP requests (fixed seed): never internal', () => {
  const WEBHOOK_SECRET = 'webhook-secret-for-http-fuzz_0123456789';
  let server: CocoonServer;
  let token: string;
  beforeAll(async () => {
    ({ server } = buildTestServer({ TON_NETWORK: 'sandbox', TON_PROOF_DOMAINS: 'cocoon.test', TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET, TELEGRAM_API_URL: 'http://127.0.0.1:9' }));
    await server.app.ready();
    ({ token } = await signIn(server));
  });
  afterAll(() => server.close());

  const auth = () => ({ authorization: `Bearer ${token}` });
  /** JSON bodies built from valid samples, posted as the route's client would; the webhook's are Telegram's updates. */
  const routes = () => [
    { url: '/api/session', headers: {}, samples: [{ initData: initDataFor() }] },
    { url: '/api/ton/connect', headers: auth(), samples: [{ address: `0:${'a'.repeat(64)}`, network: '-239', walletStateInit: 'te6cckEBAQEAAgAAAEysuc0=', proof: { timestamp: Math.floor(Date.now() / 1000), domain: { lengthBytes: 11, value: 'cocoon.test' }, payload: 'ab'.repeat(32), signature: 'A'.repeat(86) + '==' } }] },
    { url: '/api/payments/stars/invoice', headers: auth(), samples: [{ packId: 'small' }] },
    { url: WEBHOOK_PATH, headers: { 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET }, samples: [fixture('successful-payment'), fixture('text-message')] },
  ];
  const notInternal = (res: { statusCode: number; body: string }, what: string) => {
    if (res.statusCode === 500 || res.body.includes('"internal"')) throw new FuzzFailure(`${what}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  };

  it('JSON bodies: sample mutations and arbitrary JSON on every POST route', async () => {
    const all = routes();
    const target = fuzzTarget<{ route: number; input: MessageInput }>({
      name: 'server.http.bodies',
      inputs: fc.oneof(...all.map((r, route) => fc.record({ route: fc.constant(route), input: messageInputs(r.samples) }))),
      async run({ route, input }) {
        const r = all[route]!;
        const payload = messageText(r.samples, input);
        notInternal(await server.app.inject({ method: 'POST', url: r.url, headers: { ...r.headers, 'content-type': 'application/json' }, payload }), `POST ${r.url} ${payload.slice(0, 200)}`);
      },
    });
    await assertFuzz(target, 400);
  }, 60_000);

  it('query strings: any text as the model and the history limit', async () => {
    const target = fuzzTarget<{ which: boolean; value: string }>({
      name: 'server.http.queries',
      inputs: fc.record({ which: fc.boolean(), value: anyString(40) }),
      async run({ which, value }) {
        const url = which ? `/api/hosts?model=${encodeURIComponent(value)}` : `/api/credits/history?limit=${encodeURIComponent(value)}`;
        notInternal(await server.app.inject({ method: 'GET', url, headers: auth() }), `GET ${url}`);
      },
    });
    await assertFuzz(target, 300);
  }, 60_000);
});
