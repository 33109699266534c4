import { useQueryClient } from '@tanstack/react-query';
import { transfer } from 'comlink';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { MeResponseSchema } from '@cocoon/shared/protocol/api';
import type { z } from 'zod';
import { queryKeys } from '../../api/queries';
import { useSession } from '../../api/session';
import { cryptoWorker } from '../../crypto/client';
import { MAX_TOKENS } from '../../config';
import { haptics } from '../../telegram/haptics';
import type { BrokerEvent, BrokerSocket, SocketStatus } from '../../ws/broker-socket';
import { trimToContext } from '../conversations/context';
import type { ChatJobEvent, ChatTarget } from './chat-jobs';
import { LazyChatJobs } from './lazy-chat-jobs';
import { activeJob, chatItems, chatReducer, conversation, initialChatState, lastTurnStart, type Message } from './chat-state';
import { fromWire } from './error-messages';
import { verifyListedHost } from './use-verified-host';

type Me = z.output<typeof MeResponseSchema>;

/** Where a message goes, with the model's context length (the host's attested claims), to which the conversation is cut. */
export type SendTarget = ChatTarget & { contextLength: number | null };

/**
 * The hidden user turn that asks the model to go on after a length stop; its answer is shown in the
 * same bubble (./chat-state.ts `chatItems`). An instruction to the model, never shown: not translated.
 */
export const CONTINUE_PROMPT = 'Continue exactly where your last answer stopped, without repeating anything.';

/**
 * The chat: its state, and its jobs (./chat-jobs.ts: sealed in the crypto worker, relayed over
 * the broker socket, answered chunk by chunk, failed over to the next host before the first
 * token). Nothing in clear leaves the device.
 */
export function useChat(socket: BrokerSocket, status: SocketStatus) {
  const [state, dispatch] = useReducer(chatReducer, initialChatState);
  const queryClient = useQueryClient();
  const { get } = useSession();
  const stateRef = useRef(state);
  const getRef = useRef(get);
  useEffect(() => {
    stateRef.current = state;
    getRef.current = get;
  });

  const notify = useCallback(
    (event: ChatJobEvent) => {
      if (event.type === 'host_stale') return void queryClient.invalidateQueries({ queryKey: ['host'] });
      if (event.type === 'uncharged') return void queryClient.invalidateQueries({ queryKey: queryKeys.me });
      if (event.type === 'failed') return event.code === 'job.cancelled' ? undefined : haptics.error();
      return event.receiptValid ? haptics.success() : haptics.warning();
    },
    [queryClient],
  );

  const notifyRef = useRef(notify);
  useEffect(() => {
    notifyRef.current = notify;
  }, [notify]);
  const [jobs] = useState(
    () =>
      new LazyChatJobs(
        {
          send: (m) => socket.send(m),
          worker: {
            seal: (...args) => cryptoWorker().seal(...args),
            start: (...args) => cryptoWorker().start(...args),
            // The chunk's bytes move to the worker: a view into the frame's buffer, which nothing else holds.
            open: (jobId, chunk) => cryptoWorker().open(jobId, transfer(chunk, [chunk.data.buffer as ArrayBuffer])),
            finish: (jobId) => cryptoWorker().finish(jobId),
          },
          verifyHost: (listed, model) => verifyListedHost(getRef.current, listed, model),
          dispatch,
          notify: (event) => notifyRef.current(event),
        },
        MAX_TOKENS,
      ),
  );
  useEffect(() => () => jobs.close(), [jobs]);

  const onFrame = useCallback(
    (m: BrokerEvent) => {
      if (m.type === 'job.settled') {
        const { receipt, signature } = m.receipt;
        dispatch({ type: 'settled', jobId: m.jobId, charged: m.charged, receipt, signature });
        queryClient.setQueryData<Me>(queryKeys.me, (me) => (me ? { ...me, balance: m.balance } : me));
        void queryClient.invalidateQueries({ queryKey: queryKeys.me });
        // The Credits screen's balance and history (a prefix of both keys) now include this job.
        return void queryClient.invalidateQueries({ queryKey: queryKeys.credits });
      }
      if (m.type === 'error' && !m.jobId) {
        if (!m.error.code.startsWith('auth.session')) dispatch({ type: 'error', error: fromWire(m.error) });
        return;
      }
      jobs.receive(m);
    },
    [jobs, queryClient],
  );

  useEffect(() => socket.onMessage(onFrame), [socket, onFrame]);

  // A dropped socket loses the job in flight: the broker routes its frames to the old connection.
  useEffect(() => {
    if (status !== 'ready') jobs.connectionLost();
  }, [status, jobs]);

  /**
   * Sends `text` as a new turn after the first `keep` messages (all of them by default), the
   * conversation cut to the model's context (oldest turns first: the answer shows what was left out).
   */
  const submit = useCallback(
    async (text: string, target: SendTarget, how: { keep?: number; continues?: string } = {}) => {
      if (stateRef.current.activeJobId) return;
      const jobId = crypto.randomUUID();
      const history = conversation(stateRef.current.messages.slice(0, how.keep ?? stateRef.current.messages.length));
      const trimmed = trimToContext([...history, { role: 'user', content: text }], target.contextLength, target.maxTokens ?? MAX_TOKENS);
      dispatch({ type: 'send', jobId, text, model: target.model, pricing: target.pricing, keep: how.keep, continues: how.continues, leftOut: trimmed.leftOut });
      haptics.send();
      await jobs.send(jobId, { messages: trimmed.messages }, { ...target, maxTokens: trimmed.maxTokens });
    },
    [jobs],
  );

  const send = useCallback((text: string, target: SendTarget) => submit(text, target), [submit]);

  /** Asks again for the last answer: a new job with the same question, replacing the last turn. */
  const regenerate = useCallback(
    (target: SendTarget) => {
      const start = lastTurnStart(stateRef.current);
      const question = start === null ? undefined : stateRef.current.messages[start];
      if (start !== null && question) void submit(question.text, target, { keep: start });
    },
    [submit],
  );

  /** Sends the last user message edited, in place of the last turn. */
  const editLast = useCallback(
    (text: string, target: SendTarget) => {
      const start = lastTurnStart(stateRef.current);
      if (start !== null && text.trim()) void submit(text.trim(), target, { keep: start });
    },
    [submit],
  );

  /** Goes on with an answer that stopped at its length: the continuation joins the same bubble. */
  const continueAnswer = useCallback(
    (target: SendTarget) => {
      const last = chatItems(stateRef.current.messages).at(-1);
      if (last?.kind === 'answer' && last.message.finishReason === 'length') void submit(CONTINUE_PROMPT, target, { continues: last.message.id });
    },
    [submit],
  );

  /** Opens a conversation kept on the device (or a new, empty one); not while an answer streams. */
  const load = useCallback((messages: Message[]) => dispatch({ type: 'load', messages }), []);

  const stop = useCallback(() => {
    const job = activeJob(stateRef.current);
    if (job) jobs.stop(job.id);
  }, [jobs]);

  const dismissError = useCallback(() => dispatch({ type: 'dismiss' }), []);

  return { state, send, regenerate, editLast, continueAnswer, load, stop, dismissError };
}
