import type { ChatRequest } from '@cocoon/shared/protocol/jobs';

type ChatMessages = ChatRequest['messages'];

/** Bytes per token, counted low: real tokenizers give 3-4 bytes a token for prose and fewer for some scripts and code. */
const BYTES_PER_TOKEN = 3;
/** What a chat template adds around each message (role markers, separators), counted high. */
const TOKENS_PER_MESSAGE = 8;
/** Room kept back for what the estimate cannot know (the template's preamble, a tokenizer that splits finer). */
const SAFETY_TOKENS = 32;

const encoder = new TextEncoder();
const contentOf = (m: ChatMessages[number]): string => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''));

/** A conservative token count for messages, from their UTF-8 bytes (the device has no tokenizer for the model). */
export const estimateTokens = (messages: ChatMessages): number =>
  messages.reduce((sum, m) => sum + Math.ceil(encoder.encode(contentOf(m)).length / BYTES_PER_TOKEN) + TOKENS_PER_MESSAGE, 0);

export interface Trimmed {
  messages: ChatMessages;
  /** How many messages of the conversation were left out (0: all of it is sent). */
  leftOut: number;
  /** The answer's budget: `maxTokens`, or less when even the newest message leaves less room. */
  maxTokens: number;
}

/**
 * The request cut to the model's context (`contextLength`, from the host's attested claims): the
 * oldest turns go first, a user message with its answer together, so the model never sees an answer
 * without its question; the system prompt and the newest message always stay, and room is left
 * for an answer of `maxTokens`. An unknown context length leaves the request whole.
 * @example trimToContext(history, 2048, 1024) // { messages: [...the newest turns that fit], leftOut: 6, maxTokens: 1024 }
 */
export function trimToContext(messages: ChatMessages, contextLength: number | null, maxTokens: number): Trimmed {
  if (!contextLength) return { messages, leftOut: 0, maxTokens };
  const system = messages.filter((m) => m.role === 'system' || m.role === 'developer');
  const rest = messages.filter((m) => m.role !== 'system' && m.role !== 'developer');
  const budget = contextLength - maxTokens - SAFETY_TOKENS;
  let start = 0;
  const fits = () => estimateTokens([...system, ...rest.slice(start)]) <= budget;
  while (start < rest.length - 1 && !fits()) {
    start++;
    // Whole turns only: the kept part starts at a user message.
    while (start < rest.length - 1 && rest[start]?.role !== 'user') start++;
  }
  const kept = [...system, ...rest.slice(start)];
  const room = contextLength - estimateTokens(kept) - SAFETY_TOKENS;
  return { messages: kept, leftOut: start, maxTokens: Math.max(1, Math.min(maxTokens, room)) };
}
