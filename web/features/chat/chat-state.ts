import type { Price } from '@cocoon/shared/pricing';
import type { ChatRequest } from '@cocoon/shared/protocol/jobs';
import type { FinishReason, Receipt } from '@cocoon/shared/protocol/receipt';
import type { UiError } from './error-messages';

/**
 * The chat's state: the open conversation's messages (kept encrypted on the device between turns:
 * web/features/conversations/), the job in flight and the error banner. A pure reducer, so the
 * stream's life is testable.
 */
export type AssistantStatus = 'sealing' | 'queued' | 'streaming' | 'done' | 'stopped' | 'failed';

export interface UserMessage {
  id: string;
  role: 'user';
  text: string;
  /** `continue`: the short turn that asks the model to go on after a length stop; sent, never shown. */
  kind?: 'continue';
}

/** The price the job was sent at and the user's cap, kept to check the charge against the signed receipt. */
export interface JobPricing {
  price: Price;
  coefficientMilli: bigint;
  /** The user's max price per message when it was sent (micro-credits): the job's AAD-bound `maxCharge`. */
  maxCharge: bigint;
}

export interface AssistantMessage {
  /** The job id. */
  id: string;
  role: 'assistant';
  text: string;
  status: AssistantStatus;
  model: string;
  pricing: JobPricing;
  stopRequested: boolean;
  finishReason: FinishReason | null;
  /** The receipt from the sealed stream, with the worker's signature check. */
  streamReceipt: { receipt: Receipt; signature: string; valid: boolean } | null;
  /** What the broker charged, with the receipt it billed from. */
  settled: { charged: bigint; receipt: Receipt; signature: string } | null;
  /** The job ended with no charge: the broker released its hold with no transfer (or it was never sent). */
  uncharged: boolean;
  error: UiError | null;
  /** The answer that this one goes on from (Continue): shown in the same bubble, after it. */
  continues?: string;
  /** How many earlier messages were left out of the request to fit the model's context. */
  leftOut?: number;
}

export type Message = UserMessage | AssistantMessage;

/** The error banner; `jobId` when it is about one answer (whose `uncharged` the banner then shows). */
export type Banner = UiError & { jobId?: string };

export interface ChatState {
  messages: Message[];
  activeJobId: string | null;
  banner: Banner | null;
}

export const initialChatState: ChatState = { messages: [], activeJobId: null, banner: null };

export type ChatAction =
  /**
   * A new turn. `keep`: how many messages stay before it (regenerate and edit replace the last
   * turn); `continues`: the answer it continues (its user turn is then the hidden `continue` one).
   */
  | { type: 'send'; jobId: string; text: string; model: string; pricing: JobPricing; keep?: number; continues?: string; leftOut?: number }
  /** Opens a conversation (or a new, empty one): only between jobs. */
  | { type: 'load'; messages: Message[] }
  | { type: 'queued'; jobId: string }
  /** The job failed before its first answer piece; the message goes on as `nextJobId` on another host. */
  | { type: 'rehosted'; jobId: string; nextJobId: string; pricing: JobPricing }
  | { type: 'started'; jobId: string }
  | { type: 'delta'; jobId: string; text: string }
  | { type: 'stop'; jobId: string }
  | { type: 'ended'; jobId: string; receipt: Receipt; signature: string; receiptValid: boolean }
  | { type: 'settled'; jobId: string; charged: bigint; receipt: Receipt; signature: string }
  | { type: 'uncharged'; jobId: string }
  | { type: 'failed'; jobId: string; error: UiError }
  | { type: 'error'; error: UiError }
  | { type: 'dismiss' };

const FINISHED: readonly AssistantStatus[] = ['done', 'stopped', 'failed'];
const isFinished = (m: AssistantMessage): boolean => FINISHED.includes(m.status);

function updateJob(state: ChatState, jobId: string, fn: (m: AssistantMessage) => AssistantMessage): ChatState {
  let changed = false;
  const messages = state.messages.map((m) => {
    if (m.role !== 'assistant' || m.id !== jobId) return m;
    const next = fn(m);
    changed ||= next !== m;
    return next;
  });
  return changed ? { ...state, messages } : state;
}

/** Applies a streaming step only while the job is still open; late frames are ignored. */
const whileOpen = (fn: (m: AssistantMessage) => AssistantMessage) => (m: AssistantMessage) => (isFinished(m) ? m : fn(m));

const release = (state: ChatState, jobId: string): ChatState => (state.activeJobId === jobId ? { ...state, activeJobId: null } : state);

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'send': {
      const user: UserMessage = { id: `${action.jobId}:user`, role: 'user', text: action.text, ...(action.continues ? { kind: 'continue' as const } : {}) };
      const assistant: AssistantMessage = {
        id: action.jobId,
        role: 'assistant',
        text: '',
        status: 'sealing',
        model: action.model,
        pricing: action.pricing,
        stopRequested: false,
        finishReason: null,
        streamReceipt: null,
        settled: null,
        uncharged: false,
        error: null,
        ...(action.continues ? { continues: action.continues } : {}),
        ...(action.leftOut ? { leftOut: action.leftOut } : {}),
      };
      const kept = state.messages.slice(0, action.keep ?? state.messages.length);
      return { messages: [...kept, user, assistant], activeJobId: action.jobId, banner: null };
    }
    case 'load':
      return state.activeJobId ? state : { messages: action.messages, activeJobId: null, banner: null };
    case 'queued':
      return updateJob(state, action.jobId, whileOpen((m) => ({ ...m, status: 'queued' })));
    case 'rehosted': {
      // Nothing of the failed job reached the user; what the broker said of it (released, uncharged) is not this message's.
      const next = updateJob(state, action.jobId, whileOpen((m) => ({ ...m, id: action.nextJobId, status: 'sealing', pricing: action.pricing, uncharged: false })));
      return next !== state && state.activeJobId === action.jobId ? { ...next, activeJobId: action.nextJobId } : next;
    }
    case 'started':
      return updateJob(state, action.jobId, whileOpen((m) => ({ ...m, status: 'streaming' })));
    case 'delta':
      return updateJob(state, action.jobId, whileOpen((m) => ({ ...m, status: 'streaming', text: m.text + action.text })));
    case 'stop':
      return updateJob(state, action.jobId, whileOpen((m) => ({ ...m, stopRequested: true })));
    case 'ended': {
      const { receipt, signature, receiptValid } = action;
      const next = updateJob(
        state,
        action.jobId,
        whileOpen((m) => ({
          ...m,
          status: receipt.finishReason === 'cancelled' ? 'stopped' : 'done',
          finishReason: receipt.finishReason,
          streamReceipt: { receipt, signature, valid: receiptValid },
        })),
      );
      return release(next, action.jobId);
    }
    case 'settled':
      return updateJob(state, action.jobId, (m) => ({ ...m, settled: { charged: action.charged, receipt: action.receipt, signature: action.signature } }));
    case 'uncharged':
      return updateJob(state, action.jobId, (m) => (m.uncharged || m.settled ? m : { ...m, uncharged: true }));
    case 'failed': {
      const stopped = action.error.code === 'job.cancelled';
      const next = updateJob(state, action.jobId, whileOpen((m) => ({ ...m, status: stopped ? 'stopped' : 'failed', error: stopped ? null : action.error })));
      if (next === state) return state;
      return { ...release(next, action.jobId), banner: stopped ? state.banner : { ...action.error, jobId: action.jobId } };
    }
    case 'error':
      return { ...state, banner: action.error };
    case 'dismiss':
      return { ...state, banner: null };
  }
}

export const activeJob = (state: ChatState): AssistantMessage | null => {
  const m = state.messages.find((x) => x.role === 'assistant' && x.id === state.activeJobId);
  return m?.role === 'assistant' ? m : null;
};

/**
 * The conversation sent with the next turn: every user message whose answer arrived (in full or
 * stopped with some text), with that answer. Failed turns are left out. A continued answer is one
 * assistant message (its parts joined), and the hidden `continue` turns are not sent again.
 */
export function conversation(messages: readonly Message[]): ChatRequest['messages'] {
  const out: ChatRequest['messages'] = [];
  for (let i = 0; i < messages.length; i++) {
    const user = messages[i];
    const answer = messages[i + 1];
    if (user?.role !== 'user' || answer?.role !== 'assistant') continue;
    if (!((answer.status === 'done' || answer.status === 'stopped') && answer.text.length > 0)) continue;
    const last = out.at(-1);
    if (user.kind === 'continue' && answer.continues) {
      if (last?.role === 'assistant') out[out.length - 1] = { role: 'assistant', content: last.content + answer.text };
      continue;
    }
    out.push({ role: 'user', content: user.text }, { role: 'assistant', content: answer.text });
  }
  return out;
}

/** What the message list shows: user messages, and answers with their continuations in one bubble. */
export type ChatItem =
  | { kind: 'user'; message: UserMessage; index: number }
  /** `message`: the parts as one answer (their text joined; the state, cost and id of the last part). */
  | { kind: 'answer'; message: AssistantMessage; parts: AssistantMessage[] };

export function chatItems(messages: readonly Message[]): ChatItem[] {
  const items: ChatItem[] = [];
  messages.forEach((m, index) => {
    if (m.role === 'user') {
      if (m.kind !== 'continue') items.push({ kind: 'user', message: m, index });
      return;
    }
    const prev = items.at(-1);
    if (m.continues && prev?.kind === 'answer') {
      const parts = [...prev.parts, m];
      items[items.length - 1] = { kind: 'answer', parts, message: { ...m, text: parts.map((p) => p.text).join('') } };
      return;
    }
    items.push({ kind: 'answer', message: m, parts: [m] });
  });
  return items;
}

/**
 * Where the last turn starts (its visible user message), for regenerate and edit, which replace
 * it; null while a job runs or when there is none.
 */
export function lastTurnStart(state: ChatState): number | null {
  if (state.activeJobId) return null;
  for (let i = state.messages.length - 1; i >= 0; i--) {
    const m = state.messages[i];
    if (m?.role === 'user' && m.kind !== 'continue') return i;
  }
  return null;
}
