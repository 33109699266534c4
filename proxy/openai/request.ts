import { z } from 'zod';
import { ChatRequestSchema, type ChatRequest } from '@cocoon/shared/protocol/chat-request';
import { MAX_TOKENS_LIMIT } from '@cocoon/shared/protocol/jobs';
import { ChatCompletionRequestSchema, type ChatCompletionRequest } from '@cocoon/shared/protocol/openai-chat';
import { badRequest } from './errors';

/** A chat-completions request as the proxy runs it. */
export interface CompletionRequest {
  model: string;
  stream: boolean;
  /** `stream_options.include_usage`: a last chunk with `usage` and no choices. */
  includeUsage: boolean;
  /** The client's `max_completion_tokens` (or `max_tokens`); absent: as long as the context and the price cap allow. */
  maxTokens?: number;
  /** What is sealed to the enclave. */
  request: ChatRequest;
}

const loose = z.unknown().optional();
const RawRequestSchema = z.looseObject({ n: loose, modalities: loose, audio: loose, logprobs: loose, top_logprobs: loose, functions: loose, function_call: loose, messages: loose });

const PartsSchema = z.array(z.looseObject({ type: loose }));
const MessagesSchema = z.array(z.looseObject({ content: loose }));

/** Part types a client may send that the engines behind the proxy cannot take: a clear 400 names them. */
const UNSUPPORTED_PARTS: Record<string, string> = {
  image_url: 'images are not supported: send text content only',
  input_audio: 'audio input is not supported: send text content only',
  file: 'files are not supported: send text content only',
  refusal: 'refusal parts are not supported in requests',
};

/**
 * Parses an OpenAI `POST /v1/chat/completions` body into what is sealed, accepting what real
 * clients send (string or text-part content; `system`, `developer`, `user`, `assistant` and
 * `tool` turns; `max_tokens` or `max_completion_tokens`; sampling, stop, penalties,
 * `response_format`, `tools` and `tool_choice`), with a 400 naming the parameter for what the
 * proxy cannot do (n > 1, images, audio, log probabilities, legacy `functions`).
 * @throws OpenAiError (400)
 */
export function parseCompletionRequest(body: unknown): CompletionRequest {
  refuseUnsupported(body);
  const parsed = ChatCompletionRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = issue.path.length > 0 ? issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('') : null;
    throw badRequest(`${param ?? 'body'}: ${issue.message}`, param);
  }
  const r = parsed.data;
  const maxTokens = r.max_completion_tokens ?? r.max_tokens ?? undefined;
  if (maxTokens !== undefined && maxTokens > MAX_TOKENS_LIMIT) {
    throw badRequest(`max_completion_tokens: at most ${MAX_TOKENS_LIMIT} tokens per request`, r.max_completion_tokens ? 'max_completion_tokens' : 'max_tokens');
  }
  const request = ChatRequestSchema.safeParse(sealedRequest(r));
  if (!request.success) throw badRequest(`messages: ${request.error.issues[0]?.message ?? 'not accepted'}`, 'messages');
  return { model: r.model, stream: r.stream ?? false, includeUsage: (r.stream && r.stream_options?.include_usage) ?? false, maxTokens, request: request.data };
}

function refuseUnsupported(body: unknown): void {
  const raw = RawRequestSchema.safeParse(body);
  if (!raw.success) throw badRequest('the body must be a JSON object');
  const r = raw.data;
  if (r.n !== undefined && r.n !== null && r.n !== 1) throw badRequest('n: only one choice per request is supported (n = 1)', 'n', 'unsupported_parameter');
  if ((Array.isArray(r.modalities) && r.modalities.includes('audio')) || (r.audio !== undefined && r.audio !== null)) {
    throw badRequest('audio output is not supported', r.audio ? 'audio' : 'modalities', 'unsupported_parameter');
  }
  if (r.logprobs === true || (typeof r.top_logprobs === 'number' && r.top_logprobs > 0)) throw badRequest('log probabilities are not supported', 'logprobs', 'unsupported_parameter');
  if (r.functions !== undefined || r.function_call !== undefined) throw badRequest('the legacy functions API is not supported: use tools and tool_choice', r.functions !== undefined ? 'functions' : 'function_call', 'unsupported_parameter');
  const messages = MessagesSchema.safeParse(r.messages);
  if (!messages.success) return;
  messages.data.forEach((m, i) => {
    const parts = PartsSchema.safeParse(m.content);
    if (!parts.success) return;
    parts.data.forEach((p, j) => {
      const why = typeof p.type === 'string' ? UNSUPPORTED_PARTS[p.type] : undefined;
      if (why) throw badRequest(why, `messages[${i}].content[${j}]`, 'unsupported_content');
    });
  });
}

/** OpenAI's names to the sealed request's; nulls (as SDKs send them) left out. */
function sealedRequest(r: ChatCompletionRequest): unknown {
  const fields = {
    messages: r.messages,
    temperature: r.temperature,
    topP: r.top_p,
    // OpenAI takes any 64-bit seed; engines (and the sealed request) a 31-bit one: the same seed maps to the same one.
    seed: r.seed == null ? undefined : ((r.seed % 2 ** 31) + 2 ** 31) % 2 ** 31,
    stop: r.stop,
    presencePenalty: r.presence_penalty,
    frequencyPenalty: r.frequency_penalty,
    responseFormat: r.response_format,
    tools: r.tools?.length ? r.tools : undefined,
    toolChoice: r.tools?.length ? r.tool_choice : undefined,
    parallelToolCalls: r.parallel_tool_calls,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined));
}
