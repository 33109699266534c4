import { describe, expect, it } from 'vitest';
import {
  ChatCompletionChunkSchema,
  ChatCompletionRequestSchema,
  ErrorBodySchema,
  errorBodyMessage,
  ModelListSchema,
} from './openai-chat';

// Recorded engine responses are replayed in full by host/engine/engine-client.test.ts.
describe('OpenAI chat-completions schemas', () => {
  it('accepts a request with nulls as SDKs send them and rejects unknown roles', () => {
    const req = { model: 'm', messages: [{ role: 'user', content: 'Hi' }], seed: null, stream: true, stream_options: { include_usage: true } };
    expect(ChatCompletionRequestSchema.parse(req).stream_options?.include_usage).toBe(true);
    expect(ChatCompletionRequestSchema.safeParse({ ...req, messages: [{ role: 'tool', content: 'x' }] }).success).toBe(false);
    expect(ChatCompletionRequestSchema.safeParse({ ...req, messages: [] }).success).toBe(false);
    expect(ChatCompletionRequestSchema.safeParse({ ...req, max_tokens: 0 }).success).toBe(false);
  });

  it('reads chunks with usage on a choices-less final chunk and keeps unknown fields', () => {
    const chunk = ChatCompletionChunkSchema.parse({
      id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', prompt_token_ids: null,
      choices: [{ index: 0, delta: { content: 'Okay', reasoning_content: null }, logprobs: null, finish_reason: null }],
    });
    expect(chunk.choices[0]?.delta.content).toBe('Okay');
    expect(chunk.prompt_token_ids).toBeNull();
    const last = ChatCompletionChunkSchema.parse({ choices: [], usage: { prompt_tokens: 13, total_tokens: 16, completion_tokens: 3 } });
    expect(last.usage?.completion_tokens).toBe(3);
  });

  it('reads both error forms and a vLLM model list', () => {
    const nested = ErrorBodySchema.parse({ error: { message: 'no such model', type: 'NotFoundError', param: 'model', code: 404 } });
    const flat = ErrorBodySchema.parse({ object: 'error', message: 'too long', type: 'BadRequestError', param: null, code: 400 });
    expect([errorBodyMessage(nested), errorBodyMessage(flat)]).toEqual(['no such model', 'too long']);
    expect(ErrorBodySchema.safeParse({ object: 'chat.completion.chunk', choices: [] }).success).toBe(false);
    const list = ModelListSchema.parse({ object: 'list', data: [{ id: 'Qwen/Qwen3-0.6B', object: 'model', max_model_len: 8192, root: 'x' }] });
    expect(list.data[0]?.max_model_len).toBe(8192);
  });
});
