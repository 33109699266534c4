import { describe, expect, it } from 'vitest';
import {
  ChatCompletionChunkSchema,
  ChatCompletionRequestSchema,
  contentText,
  ErrorBodySchema,
  errorBodyMessage,
  ModelListSchema,
} from './openai-chat';

// Recorded engine responses are replayed in full by host/engine/engine-client.test.ts.
describe('OpenAI chat-completions schemas', () => {
  it('accepts a request with nulls as SDKs send them and rejects unknown roles', () => {
    const req = { model: 'm', messages: [{ role: 'user', content: 'Hi' }], seed: null, stream: true, stream_options: { include_usage: true } };
    expect(ChatCompletionRequestSchema.parse(req).stream_options?.include_usage).toBe(true);
    expect(ChatCompletionRequestSchema.safeParse({ ...req, messages: [{ role: 'function', content: 'x' }] }).success).toBe(false);
    expect(ChatCompletionRequestSchema.safeParse({ ...req, messages: [{ role: 'tool', content: 'x' }] }).success).toBe(false); // no tool_call_id
    expect(ChatCompletionRequestSchema.safeParse({ ...req, messages: [] }).success).toBe(false);
    expect(ChatCompletionRequestSchema.safeParse({ ...req, max_tokens: 0 }).success).toBe(false);
  });

  it('accepts what real clients send: text parts, developer and tool turns, tools, stop, penalties, response_format', () => {
    const call = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
    const req = ChatCompletionRequestSchema.parse({
      model: 'm',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather in' }, { type: 'text', text: 'Paris?' }] },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: 'call_1', content: '21 C' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', description: null, parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      stop: ['\n\n'], presence_penalty: 0.5, frequency_penalty: -0.5,
      response_format: { type: 'json_schema', json_schema: { name: 'w', schema: { type: 'object' } } },
    });
    expect(contentText(req.messages[1]!.content)).toBe('Weather in\nParis?');
    expect(req.messages[2]).toMatchObject({ role: 'assistant', tool_calls: [call] });
    const image = { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] };
    expect(ChatCompletionRequestSchema.safeParse({ model: 'm', messages: [image] }).success).toBe(false);
    expect(ChatCompletionRequestSchema.safeParse({ model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'bad name' } }] }).success).toBe(false);
  });

  it('reads streamed tool-call deltas', () => {
    const chunk = ChatCompletionChunkSchema.parse({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '' } }] }, finish_reason: null }] });
    expect(chunk.choices[0]?.delta.tool_calls?.[0]).toMatchObject({ index: 0, id: 'c', function: { name: 'f' } });
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
