import { CocoonError } from '@cocoon/shared/errors';
import {
  ChatCompletionChunkSchema,
  ChatCompletionSchema,
  ErrorBodySchema,
  ModelListSchema,
  errorBodyMessage,
  type ChatCompletionRequest,
  type Usage,
} from '@cocoon/shared/protocol/openai-chat';
import { engineRequest, type EngineFetch } from './engine-http';
import { readSse } from './sse';

export type EngineEvent =
  | { type: 'delta'; content: string }
  | { type: 'finish'; reason: string }
  | { type: 'usage'; promptTokens: number; completionTokens: number };

/** What the caller chooses; the client itself always streams and asks for usage. */
export type EngineChatRequest = Omit<ChatCompletionRequest, 'stream' | 'stream_options'>;
export type EngineModel = { id: string; maxModelLen?: number };

export type EngineClient = {
  listModels(signal?: AbortSignal): Promise<EngineModel[]>;
  /**
   * Streams a completion: `delta`s (never empty), then exactly one `finish` and one `usage`.
   * Throws CocoonError `engine.*`; an abort through `signal` is rethrown as is.
   */
  streamChat(req: EngineChatRequest, signal?: AbortSignal): AsyncIterable<EngineEvent>;
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

    async *streamChat(req, signal) {
      const body = { ...req, stream: true, stream_options: { include_usage: true } };
      const res = await engineRequest(fetchImpl, `${base}/chat/completions`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
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
  yield* ending(choice?.finish_reason ?? undefined, completion.data.usage);
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
