import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import {
  ChatCompletionRequestSchema,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ErrorBody,
  type ModelList,
  TokenizeRequestSchema,
  type TokenizeResponse,
} from '@cocoon/shared/protocol/openai-chat';
import { formatChatPrompt } from './chat-prompt';
import { argumentPieces, demoToolCall, type DemoToolCall } from './demo-tool-call';
import type { GenerateResult, LlamaRunner } from '../llama/llama-runner';
import { toOpenAiError } from './openai-errors';

type Deps = { runner: LlamaRunner; modelName: string; inFlight: Set<AbortController> };

/**
 * `GET /v1/models`, `POST /v1/chat/completions` and `POST /tokenize`, answering the way vLLM does;
 * a request offering `tools` that asks for one gets a tool call (demo-tool-call.ts).
 */
export function registerOpenAiRoutes(app: FastifyInstance, deps: Deps): void {
  const { runner, modelName } = deps;

  app.get('/v1/models', async (): Promise<ModelList> => ({
    object: 'list',
    data: [{ id: modelName, object: 'model', created: nowSeconds(), owned_by: 'cocoon', max_model_len: runner.contextSize }],
  }));

  // The prompt tokens a chat completion of these messages would count (its usage.prompt_tokens).
  app.post('/tokenize', async (request): Promise<TokenizeResponse> => {
    const parsed = TokenizeRequestSchema.safeParse(request.body);
    if (!parsed.success) throw new CocoonError('engine.bad_request', z.prettifyError(parsed.error));
    const req = parsed.data;
    if (req.model != null && req.model !== modelName) throw new CocoonError('engine.model_not_found', `The model \`${req.model}\` does not exist.`);
    const tokens = runner.tokenize('messages' in req ? formatChatPrompt(req.messages, { tools: req.tools }) : req.prompt);
    return { count: tokens.length, max_model_len: runner.contextSize, tokens: [...tokens] };
  });

  app.post('/v1/chat/completions', async (request, reply) => {
    const parsed = ChatCompletionRequestSchema.safeParse(request.body);
    if (!parsed.success) throw new CocoonError('engine.bad_request', z.prettifyError(parsed.error));
    const req = parsed.data;
    if (req.model !== modelName) throw new CocoonError('engine.model_not_found', `The model \`${req.model}\` does not exist.`);
    const prompt = runner.tokenize(formatChatPrompt(req.messages, { tools: req.tools }));
    const room = runner.contextSize - prompt.length;
    const requested = req.max_completion_tokens ?? req.max_tokens ?? undefined;
    if (room < 1 || (requested !== undefined && requested > room)) {
      throw new CocoonError('engine.bad_request',
        `This model's maximum context length is ${runner.contextSize} tokens. However, you requested ` +
        `${requested ?? 1} output tokens and your prompt contains ${prompt.length} input tokens. ` +
        'Please reduce the length of the input prompt or the number of requested output tokens.');
    }

    const abort = new AbortController();
    deps.inFlight.add(abort);
    reply.raw.on('close', () => { if (!reply.raw.writableFinished) abort.abort(); });
    const generate = async (onText: (t: string) => void) => {
      const result = await runner.generate({
        prompt, maxTokens: requested ?? room, temperature: req.temperature ?? 1, topP: req.top_p ?? 1,
        seed: req.seed == null ? undefined : req.seed >>> 0, signal: abort.signal, onText,
      });
      request.log.info({ ...result, promptTokens: prompt.length }, 'generation ended');
      return result;
    };
    const meta = { id: `chatcmpl-${randomUUID().replaceAll('-', '')}`, created: nowSeconds(), model: modelName };
    const call = demoToolCall(req);
    if (call) return answerWithToolCall(reply, req, meta, prompt.length, call, requested ?? room);
    try {
      if (req.stream) return await streamAnswer(reply, req, meta, prompt.length, generate);
      let text = '';
      const result = await generate((t) => { text += t; });
      if (result.finishReason === 'aborted') return reply.hijack();
      return {
        ...meta, object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: result.finishReason }],
        usage: usage(prompt.length, result),
      } satisfies ChatCompletion;
    } finally {
      deps.inFlight.delete(abort);
    }
  });
}

type Meta = { id: string; created: number; model: string };

/** SSE like vLLM: role chunk, deltas, finish chunk, usage-only chunk if asked, `[DONE]`. */
async function streamAnswer(
  reply: FastifyReply, req: ChatCompletionRequest, meta: Meta, promptTokens: number,
  generate: (onText: (t: string) => void) => Promise<GenerateResult>,
): Promise<FastifyReply> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const send = (data: ChatCompletionChunk | ErrorBody | '[DONE]') =>
    raw.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  const chunk = (delta: { role?: string; content: string }, finish: string | null): ChatCompletionChunk =>
    ({ ...meta, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });

  send(chunk({ role: 'assistant', content: '' }, null));
  try {
    const result = await generate((content) => send(chunk({ content }, null)));
    if (result.finishReason === 'aborted') {
      raw.destroy(); // the client is gone (or the engine closes): nothing to tell it
      return reply;
    }
    send(chunk({ content: '' }, result.finishReason));
    if (req.stream_options?.include_usage) {
      send({ ...meta, object: 'chat.completion.chunk', choices: [], usage: usage(promptTokens, result) });
    }
  } catch (e) {
    reply.log.error({ err: e }, 'generation failed mid-stream');
    send(toOpenAiError(e).body); // as vLLM: an error event, then [DONE], status stays 200
  }
  send('[DONE]');
  raw.end();
  return reply;
}

/**
 * The demo's tool call (demo-tool-call.ts), streamed as vLLM streams one: the role chunk, a chunk
 * with the call's id and name, its arguments in pieces, the `tool_calls` finish, usage. One
 * completion token per chunk of the call; cut at `maxTokens` with finish `length`.
 */
function answerWithToolCall(reply: FastifyReply, req: ChatCompletionRequest, meta: Meta, promptTokens: number, call: DemoToolCall, maxTokens: number) {
  const id = `chatcmpl-tool-${randomUUID().replaceAll('-', '')}`;
  const { pieces, cut } = argumentPieces(call.arguments, maxTokens - 1);
  const finish = cut ? 'length' : 'tool_calls';
  const result = { completionTokens: 1 + pieces.length };
  if (!req.stream) {
    return {
      ...meta, object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: call.name, arguments: pieces.join('') } }] }, logprobs: null, finish_reason: finish }],
      usage: usage(promptTokens, result),
    } satisfies ChatCompletion;
  }
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const send = (data: ChatCompletionChunk | '[DONE]') => raw.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finishReason: string | null): ChatCompletionChunk =>
    ({ ...meta, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
  send(chunk({ role: 'assistant', content: '' }, null));
  send(chunk({ tool_calls: [{ index: 0, id, type: 'function', function: { name: call.name, arguments: '' } }] }, null));
  for (const piece of pieces) send(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null));
  send(chunk({}, finish));
  if (req.stream_options?.include_usage) send({ ...meta, object: 'chat.completion.chunk', choices: [], usage: usage(promptTokens, result) });
  send('[DONE]');
  raw.end();
  return reply;
}

const usage = (promptTokens: number, r: Pick<GenerateResult, 'completionTokens'>) => ({
  prompt_tokens: promptTokens, completion_tokens: r.completionTokens, total_tokens: promptTokens + r.completionTokens,
});

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
