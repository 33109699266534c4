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
} from '@cocoon/shared/protocol/openai-chat';
import { formatChatPrompt } from './chat-prompt';
import type { GenerateResult, LlamaRunner } from '../llama/llama-runner';
import { toOpenAiError } from './openai-errors';

type Deps = { runner: LlamaRunner; modelName: string; inFlight: Set<AbortController> };

/** `GET /v1/models` and `POST /v1/chat/completions`, answering the way vLLM does. */
export function registerOpenAiRoutes(app: FastifyInstance, deps: Deps): void {
  const { runner, modelName } = deps;

  app.get('/v1/models', async (): Promise<ModelList> => ({
    object: 'list',
    data: [{ id: modelName, object: 'model', created: nowSeconds(), owned_by: 'cocoon', max_model_len: runner.contextSize }],
  }));

  app.post('/v1/chat/completions', async (request, reply) => {
    const parsed = ChatCompletionRequestSchema.safeParse(request.body);
    if (!parsed.success) throw new CocoonError('engine.bad_request', z.prettifyError(parsed.error));
    const req = parsed.data;
    if (req.model !== modelName) throw new CocoonError('engine.model_not_found', `The model \`${req.model}\` does not exist.`);
    const prompt = runner.tokenize(formatChatPrompt(req.messages));
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

const usage = (promptTokens: number, r: GenerateResult) => ({
  prompt_tokens: promptTokens, completion_tokens: r.completionTokens, total_tokens: promptTokens + r.completionTokens,
});

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
