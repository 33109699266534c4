import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { sealedRequestBytes } from '@cocoon/shared/crypto/padding';
import type { WireError } from '@cocoon/shared/errors';
import { formatCredits, holdFor, maxTokensWithin } from '@cocoon/shared/pricing';
import type { MeResponseSchema } from '@cocoon/shared/protocol/api';
import type { SealedChunk } from '@cocoon/shared/protocol/jobs';
import type { BrokerToClientParsed } from '@cocoon/shared/protocol/ws-messages';
import type { z } from 'zod';
import { queryKeys } from '../../api/queries';
import { cryptoWorker } from '../../crypto/client';
import { MAX_TOKENS } from '../../config';
import { haptics } from '../../telegram/haptics';
import type { BrokerSocket, SocketStatus } from '../../ws/broker-socket';
import { activeJob, chatReducer, conversation, initialChatState, type JobPricing } from './chat-state';
import { fromWire, type UiError } from './error-messages';
import type { HostChoice } from './use-verified-host';

type Me = z.output<typeof MeResponseSchema>;

/** Errors after which the host list is stale: pick (and verify) a host again. */
const HOST_ERRORS: readonly string[] = ['job.host_gone', 'job.model_unavailable', 'attestation.claims_expired', 'engine.model_not_found', 'host.busy'];
/** If the broker never confirms a cancel, the job is closed locally after this long. */
const STOP_GRACE_MS = 8_000;

interface ChatTarget {
  model: string;
  host: HostChoice;
  pricing: JobPricing;
}

/**
 * The chat's engine: seals each turn in the crypto worker, relays it over the broker socket and
 * opens the sealed answer chunk by chunk, in order, per job. Nothing in clear leaves the device.
 */
export function useChat(socket: BrokerSocket, status: SocketStatus) {
  const [state, dispatch] = useReducer(chatReducer, initialChatState);
  const queryClient = useQueryClient();
  const stateRef = useRef(state);
  useEffect(() => {
    stateRef.current = state;
  });
  /** Per open job: a promise chain that keeps worker calls in frame order. */
  const queues = useRef(new Map<string, Promise<void>>());

  const enqueue = useCallback((jobId: string, task: () => Promise<void>) => {
    const chain = queues.current.get(jobId);
    if (!chain) return;
    queues.current.set(jobId, chain.then(task));
  }, []);

  const fail = useCallback(
    async (jobId: string, error: UiError) => {
      if (!queues.current.delete(jobId)) return;
      await cryptoWorker().finish(jobId);
      dispatch({ type: 'failed', jobId, error });
      if (error.code !== 'job.cancelled') haptics.error();
      if (HOST_ERRORS.includes(error.code)) void queryClient.invalidateQueries({ queryKey: ['host'] });
    },
    [queryClient],
  );

  const openChunk = useCallback(
    async (jobId: string, chunk: SealedChunk) => {
      const opened = await cryptoWorker().open(jobId, chunk);
      if (!opened.ok) {
        socket.send({ type: 'job.cancel', jobId });
        return fail(jobId, fromWire(opened.error));
      }
      const { payload, receipt } = opened.value;
      if (payload.type === 'delta') return dispatch({ type: 'delta', jobId, text: payload.text });
      if (payload.type === 'error') return fail(jobId, fromWire(payload));
      // The Mini App offers the model no tools, so no answer calls one: such a piece is not shown.
      if (payload.type === 'tool_call') return;
      const finished = await cryptoWorker().finish(jobId);
      queues.current.delete(jobId);
      if (!finished.ok) return dispatch({ type: 'failed', jobId, error: fromWire(finished.error) });
      const valid = receipt?.valid ?? false;
      dispatch({ type: 'ended', jobId, receipt: payload.receipt.receipt, signature: payload.receipt.signature, receiptValid: valid });
      if (valid) haptics.success();
      else {
        haptics.warning();
        dispatch({ type: 'error', error: fromWire(receipt?.error ?? { code: 'receipt.signature_invalid', message: 'no receipt check' }) });
      }
    },
    [socket, fail],
  );

  const onFrame = useCallback(
    (m: BrokerToClientParsed) => {
      switch (m.type) {
        case 'job.start':
          return enqueue(m.jobId, async () => {
            const started = await cryptoWorker().start(m.jobId, m.responseNonce);
            if (started.ok) dispatch({ type: 'started', jobId: m.jobId });
            else await fail(m.jobId, fromWire(started.error));
          });
        case 'job.chunk':
          return enqueue(m.jobId, () => openChunk(m.jobId, m.chunk));
        case 'job.settled': {
          const { receipt, signature } = m.receipt;
          dispatch({ type: 'settled', jobId: m.jobId, charged: m.charged, receipt, signature });
          queryClient.setQueryData<Me>(queryKeys.me, (me) => (me ? { ...me, balance: m.balance } : me));
          void queryClient.invalidateQueries({ queryKey: queryKeys.me });
          // The Credits screen's balance and history (a prefix of both keys) now include this job.
          return void queryClient.invalidateQueries({ queryKey: queryKeys.credits });
        }
        case 'error':
          if (m.jobId && m.charged === '0') {
            // The broker released the job's hold with no transfer: say so even if the stream already ended it.
            dispatch({ type: 'uncharged', jobId: m.jobId });
            void queryClient.invalidateQueries({ queryKey: queryKeys.me });
          }
          if (m.jobId) return enqueue(m.jobId, () => fail(m.jobId!, fromWire(m.error)));
          if (!m.error.code.startsWith('auth.session')) dispatch({ type: 'error', error: fromWire(m.error) });
          return;
        default:
          return;
      }
    },
    [enqueue, fail, openChunk, queryClient],
  );

  useEffect(() => socket.onMessage(onFrame), [socket, onFrame]);

  // A dropped socket loses the job in flight: the broker routes its frames to the old connection.
  useEffect(() => {
    if (status === 'ready') return;
    for (const jobId of [...queues.current.keys()]) void fail(jobId, { code: 'client.connection_lost' });
  }, [status, fail]);

  const send = useCallback(
    async (text: string, target: ChatTarget) => {
      if (stateRef.current.activeJobId) return;
      const jobId = crypto.randomUUID();
      const request = { messages: [...conversation(stateRef.current.messages), { role: 'user' as const, content: text }] };
      // The user's max price per message is the job's cap: the answer's budget is what fits under it
      // at this host's price, and the broker and the enclave refuse the job if the host costs more.
      const { price, coefficientMilli, maxCharge } = target.pricing;
      const maxTokens = maxTokensWithin(price, sealedRequestBytes(request), maxCharge, MAX_TOKENS, coefficientMilli);
      const meta = { jobId, hostId: target.host.hostId, model: target.model, maxTokens, maxCharge: maxCharge.toString() };
      queues.current.set(jobId, Promise.resolve());
      dispatch({ type: 'send', jobId, text, model: target.model, pricing: target.pricing });
      haptics.send();
      if (maxTokens < 1) {
        const floor = holdFor(price, sealedRequestBytes(request), 1, coefficientMilli);
        dispatch({ type: 'uncharged', jobId });
        return fail(jobId, { code: 'job.price_above_limit', detail: `an answer can cost up to ${formatCredits(floor)} credits on this host; the max per message is ${formatCredits(maxCharge)}` });
      }
      const sealed = await cryptoWorker().seal(target.host.verification.bundleDigest, meta, request);
      if (!sealed.ok) return fail(jobId, fromWire(sealed.error));
      if (!socket.send({ type: 'job.create', meta, request: sealed.value })) return fail(jobId, { code: 'client.connection_lost' });
      dispatch({ type: 'queued', jobId });
    },
    [socket, fail],
  );

  const stop = useCallback(() => {
    const job = activeJob(stateRef.current);
    if (!job) return;
    socket.send({ type: 'job.cancel', jobId: job.id });
    dispatch({ type: 'stop', jobId: job.id });
    const cancelled: WireError = { code: 'job.cancelled', message: 'stopped on this device' };
    setTimeout(() => enqueue(job.id, () => fail(job.id, fromWire(cancelled))), STOP_GRACE_MS);
  }, [socket, enqueue, fail]);

  const dismissError = useCallback(() => dispatch({ type: 'dismiss' }), []);

  return { state, send, stop, dismissError };
}
