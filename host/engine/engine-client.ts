import { CocoonError } from '@cocoon/shared/errors';
import {
  ChatCompletionChunkSchema,
  ChatCompletionSchema,
  ErrorBodySchema,
  ModelListSchema,
  TokenizeResponseSchema,
  errorBodyMessage,
  type ChatMessage,
  type ChatCompletionRequest,
  type Tool,
  type ToolCallDelta,
  type Usage,
} from '@cocoon/shared/protocol/openai-chat';
import { engineRequest, optionalEngineRequest, type EngineFetch } from './engine-http';
import { readSse } from './sse';

export type EngineEvent =
  | { type: 'delta'; content: string }
  /** A piece of a tool call, as OpenAI streams them: `id` and `name` first, then `arguments` in pieces. */
  | { type: 'tool_call'; index: number; id?: string; name?: string; arguments?: string }
  | { type: 'finish'; reason: string }
  | { type: 'usage'; promptTokens: number; completionTokens: number };

/** What the caller chooses; the client itself always streams and asks for usage. */
export type EngineChatRequest = Omit<ChatCompletionRequest, 'stream' | 'stream_options'>;
export type EngineModel = { id: string; maxModelLen?: number };

export type EngineClient = {
  listModels(signal?: AbortSignal): Promise<EngineModel[]>;
  /**
   * Streams a completion: `delta`s (never empty) and `tool_call` pieces, then exactly one `finish`
   * (the engine's reason: `stop`, `length`, `tool_calls`...) and one `usage`.
   * Throws CocoonError `engine.*`; an abort through `signal` is rethrown as is.
   * `onResponse`: called once the engine has taken the request (its response headers came), before
   * any event: from then on it is computing the answer.
   */
  streamChat(req: EngineChatRequest, signal?: AbortSignal, opts?: { onResponse?: () => void }): AsyncIterable<EngineEvent>;
  /**
   * The prompt tokens a completion of `messages` counts, from the engine's `POST /tokenize` (vLLM's
   * shape); null when the engine has no such endpoint (404, 405, 501). Throws CocoonError `engine.*`.
   */
  countPromptTokens(req: { model: string; messages: ChatMessage[]; tools?: Tool[] }, signal?: AbortSignal): Promise<number | null>;
};

export type EngineClientOptions = {
  /** The engine's OpenAI base URL, with or without the trailing `/v1`. */
  baseUrl: string;
  apiKey?: string;
  fetch?: EngineFetch;
};

/**
 * A client for any OpenAI-compatible engine (vLLM, SGLang, llama.cpp, the built-in engine).
 * @example for await (const ev of createEngineClient({ baseUrl }).streamChat({ model, messages })) ...
 */
export function createEngineClient(opts: EngineClientOptions): EngineClient {
  const root = opts.baseUrl.replace(/\/+$/, '');
  const base = root.endsWith('/v1') ? root : `${root}/v1`;
  const serverRoot = base.slice(0, -'/v1'.length);
  const fetchImpl: EngineFetch = opts.fetch ?? ((input, init) => fetch(input, init));
  const headers: Record<string, string> = { accept: 'application/json, text/event-stream' };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;

  return {
    async listModels(signal) {
      const res = await engineRequest(fetchImpl, `${base}/models`, { headers, signal });
      const list = ModelListSchema.safeParse(await res.json().catch(() => undefined));
      if (!list.success) throw new CocoonError('engine.unavailable', 'engine sent an unexpected /v1/models body');
      return list.data.data.map((m) => (m.max_model_len ? { id: m.id, maxModelLen: m.max_model_len } : { id: m.id }));
    },

    async countPromptTokens(req, signal) {
      const res = await optionalEngineRequest(fetchImpl, `${serverRoot}/tokenize`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ model: req.model, messages: req.messages, ...(req.tools ? { tools: req.tools } : {}) }),
        signal,
      });
      if (!res) return null;
      const body = TokenizeResponseSchema.safeParse(await res.json().catch(() => undefined));
      if (!body.success) throw new CocoonError('engine.unavailable', 'engine sent an unexpected /tokenize body');
      return body.data.count;
    },

    async *streamChat(req, signal, opts) {
      const body = { ...req, stream: true, stream_options: { include_usage: true } };
      const res = await engineRequest(fetchImpl, `${base}/chat/completions`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
      opts?.onResponse?.();
      try {
        if (res.headers.get('content-type')?.includes('application/json')) yield* fromCompletion(await res.json());
        else if (res.body) yield* fromStream(readSse(res.body), signal);
        else throw streamFailed('engine sent no body');
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        if (e instanceof CocoonError) throw e;
        throw new CocoonError('engine.stream_failed', 'engine stream broke off', { cause: e });
      }
    },
  };
}

const streamFailed = (message: string): CocoonError => new CocoonError('engine.stream_failed', message);

async function* fromStream(events: AsyncIterable<{ data: string }>, signal?: AbortSignal): AsyncGenerator<EngineEvent> {
  let finish: string | undefined;
  let usage: Usage | undefined;
  let done = false;
  for await (const { data } of events) {
    signal?.throwIfAborted();
    if (data === '[DONE]') {
      done = true;
      break;
    }
    const json = parseJson(data);
    const error = ErrorBodySchema.safeParse(json);
    if (error.success) throw streamFailed(`engine failed mid-stream: ${errorBodyMessage(error.data)}`);
    const chunk = ChatCompletionChunkSchema.safeParse(json);
    if (!chunk.success) throw streamFailed('engine sent a malformed chunk');
    // Old vLLM repeats cumulative usage on every chunk: the last one is the total.
    if (chunk.data.usage) usage = chunk.data.usage;
    for (const choice of chunk.data.choices) {
      if (choice.index !== 0) continue;
      if (choice.delta.content) yield { type: 'delta', content: choice.delta.content };
      for (const call of choice.delta.tool_calls ?? []) {
        const piece = toolCallPiece(call);
        if (piece) yield piece;
      }
      if (choice.finish_reason) finish ??= choice.finish_reason;
    }
  }
  if (!done) throw streamFailed('engine stream ended before [DONE]');
  yield* ending(finish, usage);
}

/** An engine that ignores `stream: true` and answers one JSON completion. */
function* fromCompletion(json: unknown): Generator<EngineEvent> {
  const completion = ChatCompletionSchema.safeParse(json);
  if (!completion.success) throw streamFailed('engine sent a malformed completion');
  const choice = completion.data.choices.find((c) => c.index === 0);
  if (choice?.message.content) yield { type: 'delta', content: choice.message.content };
  for (const [index, call] of (choice?.message.tool_calls ?? []).entries()) {
    yield { type: 'tool_call', index, id: call.id, name: call.function.name, arguments: call.function.arguments };
  }
  yield* ending(choice?.finish_reason ?? undefined, completion.data.usage);
}

/** A tool-call delta as an event, or nothing when it carries nothing (some engines send empty ones). */
function toolCallPiece(call: ToolCallDelta): EngineEvent | undefined {
  const piece: EngineEvent = { type: 'tool_call', index: call.index };
  if (call.id) piece.id = call.id;
  if (call.function?.name) piece.name = call.function.name;
  if (call.function?.arguments) piece.arguments = call.function.arguments;
  return piece.id || piece.name || piece.arguments ? piece : undefined;
}

function* ending(finish: string | undefined, usage: Usage | undefined): Generator<EngineEvent> {
  if (!finish) throw streamFailed('engine stream ended without a finish_reason');
  if (!usage) throw streamFailed('engine stream ended without usage');
  yield { type: 'finish', reason: finish };
  yield { type: 'usage', promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens };
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch (cause) {
    throw new CocoonError('engine.stream_failed', 'engine sent an event that is not JSON', { cause });
  }
}
