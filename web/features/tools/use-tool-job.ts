import { useQueryClient } from '@tanstack/react-query';
import { transfer } from 'comlink';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { MeResponseSchema } from '@cocoon/shared/protocol/api';
import type { z } from 'zod';
import { queryKeys } from '../../api/queries';
import { useSession } from '../../api/session';
import { cryptoWorker } from '../../crypto/client';
import { haptics } from '../../telegram/haptics';
import type { BrokerEvent, BrokerSocket, SocketStatus } from '../../ws/broker-socket';
import { ChatJobs, type ChatJobEvent, type ChatTarget } from '../chat/chat-jobs';
import { activeJob, initialChatState } from '../chat/chat-state';
import { fromWire } from '../chat/error-messages';
import { verifyListedHost } from '../chat/use-verified-host';
import { TOOL_MAX_TOKENS, toolRequest, type ToolChoice } from './prompts';
import { lastResult, toolReducer } from './tool-state';

type Me = z.output<typeof MeResponseSchema>;

/**
 * One writing-tool job at a time, with the chat's machinery (chat/chat-jobs.ts): sealed in the
 * crypto worker for the verified host, relayed over the broker socket, opened chunk by chunk,
 * failed over before the first token, and billed against the enclave-signed receipt. The request
 * is the tool's prompt and the text (./prompts.ts), with a longer answer budget than a chat turn.
 */
export function useToolJob(socket: BrokerSocket, status: SocketStatus) {
  const [state, dispatch] = useReducer(toolReducer, initialChatState);
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
      new ChatJobs(
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
        TOOL_MAX_TOKENS,
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

  const run = useCallback(
    async (choice: ToolChoice, text: string, target: ChatTarget) => {
      if (stateRef.current.activeJobId) return;
      const jobId = crypto.randomUUID();
      dispatch({ type: 'send', jobId, text, model: target.model, pricing: target.pricing });
      haptics.send();
      await jobs.send(jobId, toolRequest(choice, text), target);
    },
    [jobs],
  );

  const stop = useCallback(() => {
    const job = activeJob(stateRef.current);
    if (job) jobs.stop(job.id);
  }, [jobs]);

  const dismissError = useCallback(() => dispatch({ type: 'dismiss' }), []);

  return { result: lastResult(state), running: state.activeJobId !== null, banner: state.banner, run, stop, dismissError };
}
