import { describe, expect, it, vi } from 'vitest';
import { START_TIMEOUT_MS } from '@cocoon/shared/failover';
import { ChunkPayloadSchema, type ChunkPayload, type JobMeta } from '@cocoon/shared/protocol/jobs';
import { fromUtf8, utf8 } from '@cocoon/shared/protocol/encoding';
import { RequestSuites } from '@cocoon/shared/protocol/request-suite';
import type { ClientToBroker } from '@cocoon/shared/protocol/ws-messages';
import type { HostVerification } from '../../crypto/api';
import type { BrokerEvent } from '../../ws/broker-socket';
import { ChatJobs, type ChatJobsDeps } from './chat-jobs';
import { chatReducer, initialChatState, type AssistantMessage, type ChatState } from './chat-state';
import type { HostChoice } from './use-verified-host';

/**
 * The Mini App's jobs against a stand-in socket and crypto worker (a chunk's "ciphertext" here is
 * its payload's JSON): which failures hand a message to the next host, and what the chat shows.
 */
const pricing = { price: { promptPerMillion: 1_000_000n, completionPerMillion: 2_000_000n }, coefficientMilli: 1000n, maxCharge: 5_000_000n };
const verification = (hostId: string, verified = true): HostVerification => ({
  bundleDigest: `digest-${hostId}`, verified, hostId, tee: 'simulated', simulated: true, checks: [], models: [], engine: null, expiresAt: null,
  measurements: {}, tcbStatus: null, image: null, gpus: [], policy: null, error: null,
});
const choice = (hostId: string, verified = true): HostChoice => ({ hostId, coefficientMilli: 1000n, verification: verification(hostId, verified) });
const listed = (hostId: string) => ({ hostId, priceCoefficientMilli: 1000 });

function harness(opts: { alternates?: string[]; rejected?: string[] } = {}) {
  let state: ChatState = initialChatState;
  const sent: ClientToBroker[] = [];
  const verified: string[] = [];
  const jobs = new ChatJobs(
    {
      send: (m) => (sent.push(m), true),
      worker: {
        seal: async (digest: string, meta: JobMeta) => ({ ok: true, value: { suite: RequestSuites.xwing, enc: digest, ciphertext: meta.jobId } }),
        start: async () => ({ ok: true, value: null }),
        open: async (_jobId, chunk) => {
          const payload = ChunkPayloadSchema.parse(JSON.parse(fromUtf8(chunk.data)));
          return { ok: true, value: { payload, receipt: payload.type === 'end' ? { valid: true, error: null } : null } };
        },
        finish: async () => ({ ok: true, value: null }),
      },
      verifyHost: async (l) => (verified.push(l.hostId), choice(l.hostId, !opts.rejected?.includes(l.hostId))),
      dispatch: (a) => (state = chatReducer(state, a)),
      notify: () => {},
      stopGraceMs: 60_000,
    } satisfies ChatJobsDeps,
    64,
  );
  const creates = () => sent.flatMap((m) => (m.type === 'job.create' ? [m.meta] : []));
  const current = () => creates().at(-1)!.jobId;
  let seq = 0;
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await jobs.idle();
      await new Promise((r) => setImmediate(r));
    }
  };
  const chunk = (jobId: string, payload: ChunkPayload, final = false): BrokerEvent => ({ type: 'job.chunk', jobId, chunk: { seq: seq++, final, data: utf8(JSON.stringify(payload)) } });
  const h = {
    jobs, sent, verified, creates, current, settle,
    answer: () => state.messages.find((m): m is AssistantMessage => m.role === 'assistant')!,
    state: () => state,
    async send(maxTokens?: number) {
      const jobId = crypto.randomUUID();
      state = chatReducer(state, { type: 'send', jobId, text: 'hi', model: 'demo', pricing });
      await jobs.send(jobId, { messages: [{ role: 'user', content: 'hi' }] }, { model: 'demo', host: choice('host-a'), alternates: (opts.alternates ?? ['host-b', 'host-c']).map(listed), pricing, maxTokens });
      await settle();
    },
    async frames(...events: BrokerEvent[]) {
      for (const e of events) jobs.receive(e);
      await settle();
    },
    started: (jobId: string): BrokerEvent => {
      seq = 0;
      return { type: 'job.start', jobId, responseNonce: 'A'.repeat(43) };
    },
    delta: (jobId: string, text: string) => chunk(jobId, { type: 'delta', text }),
    error: (jobId: string, code: string, charged?: '0'): BrokerEvent => ({ type: 'error', jobId, error: { code: code as 'internal', message: code }, ...(charged ? { charged } : {}) }),
    async answerWith(jobId: string, text: string) {
      const receipt = { receipt: { version: 1 as const, jobId, hostId: 'host-b', model: 'demo', promptTokens: 1, completionTokens: 1, finishReason: 'stop' as const, requestDigest: '00'.repeat(32), responseDigest: '11'.repeat(32) }, signature: 'A'.repeat(86) };
      await h.frames(h.started(jobId), h.delta(jobId, text), chunk(jobId, { type: 'end', receipt }, true));
    },
  };
  return h;
}

describe('ChatJobs: the answer budget', () => {
  it('sends each message with its own budget (the user\'s answer length), kept when it moves to another host', async () => {
    const h = harness();
    await h.send();
    expect(h.creates().at(-1)?.maxTokens).toBe(64);
    await h.answerWith(h.current(), 'ok');
    await h.send(16);
    const first = h.current();
    expect(h.creates().at(-1)?.maxTokens).toBe(16);
    await h.frames(h.started(first), h.error(first, 'job.host_gone', '0'));
    expect(h.creates().map((m) => m.maxTokens)).toEqual([64, 16, 16]);
  });
});

describe('ChatJobs: failover before the first token', () => {
  it('re-seals a message whose host dropped it before its first token to the next host, under a new job id, unseen', async () => {
    const h = harness();
    await h.send();
    const first = h.current();
    await h.frames(h.started(first), h.error(first, 'job.host_gone', '0'));
    expect(h.creates().map((m) => m.hostId)).toEqual(['host-a', 'host-b']);
    const second = h.current();
    expect(second).not.toBe(first);
    await h.answerWith(second, 'from b');
    expect(h.answer()).toMatchObject({ id: second, text: 'from b', status: 'done', uncharged: false, error: null });
    expect(h.state().banner).toBeNull();
    // The first job's late frames touch nothing.
    await h.frames(h.delta(first, 'stale'));
    expect(h.answer().text).toBe('from b');
  });

  it('fails over when the host\'s engine fails before the first token (a sealed error), skipping hosts that fail attestation', async () => {
    const h = harness({ rejected: ['host-b'] });
    await h.send();
    const first = h.current();
    await h.frames(h.started(first), { type: 'job.chunk', jobId: first, chunk: { seq: 0, final: true, data: utf8(JSON.stringify({ type: 'error', code: 'engine.unavailable', message: 'down' })) } });
    expect(h.verified).toEqual(['host-b', 'host-c']);
    expect(h.creates().map((m) => m.hostId)).toEqual(['host-a', 'host-c']);
  });

  it('gives up on a host that does not start the job: cancels it and tries the next', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const h = harness();
      await h.send();
      const first = h.current();
      vi.advanceTimersByTime(START_TIMEOUT_MS);
      await h.settle();
      expect(h.sent).toContainEqual({ type: 'job.cancel', jobId: first });
      expect(h.creates().map((m) => m.hostId)).toEqual(['host-a', 'host-b']);
      await h.answerWith(h.current(), 'late but here');
      vi.advanceTimersByTime(START_TIMEOUT_MS);
      expect(h.answer()).toMatchObject({ status: 'done', text: 'late but here' });
      expect(h.creates()).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never fails over after the first answer piece', async () => {
    const h = harness();
    await h.send();
    const first = h.current();
    await h.frames(h.started(first), h.delta(first, 'Hel'), h.error(first, 'job.host_gone'));
    expect(h.creates()).toHaveLength(1);
    expect(h.answer()).toMatchObject({ id: first, text: 'Hel', status: 'failed', error: { code: 'job.host_gone' } });
  });

  it('never for the user\'s own errors', async () => {
    const h = harness();
    await h.send();
    await h.frames(h.error(h.current(), 'ledger.insufficient_credits'));
    expect(h.creates()).toHaveLength(1);
    expect(h.answer()).toMatchObject({ status: 'failed', error: { code: 'ledger.insufficient_credits' } });
  });

  it('never after Stop', async () => {
    const h = harness();
    await h.send();
    const first = h.current();
    h.jobs.stop(first);
    await h.frames(h.error(first, 'job.host_gone', '0'));
    expect(h.creates()).toHaveLength(1);
    expect(h.answer()).toMatchObject({ status: 'stopped', error: null });
  });

  it('sends one message as three jobs at most, then shows the last host\'s error', async () => {
    const h = harness({ alternates: ['host-b', 'host-c', 'host-d'] });
    await h.send();
    for (let i = 0; i < 3; i++) await h.frames(h.error(h.current(), 'host.busy', '0'));
    expect(h.creates().map((m) => m.hostId)).toEqual(['host-a', 'host-b', 'host-c']);
    expect(h.answer()).toMatchObject({ status: 'failed', error: { code: 'host.busy' }, uncharged: true });
  });
});
