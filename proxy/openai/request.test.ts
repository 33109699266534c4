import { describe, expect, it } from 'vitest';
import { OpenAiError } from './errors';
import { parseCompletionRequest } from './request';

const base = { model: 'm', messages: [{ role: 'user', content: 'Hi' }] };
const refused = (body: unknown): { param: string | null; message: string } => {
  try {
    parseCompletionRequest(body);
  } catch (e) {
    if (e instanceof OpenAiError && e.status === 400) return { param: e.param, message: e.message };
    throw e;
  }
  throw new Error('expected a 400');
};

describe('OpenAI request → sealed request', () => {
  it('maps OpenAI\'s names and drops the nulls SDKs send', () => {
    const r = parseCompletionRequest({
      ...base, max_tokens: 10, max_completion_tokens: 12, temperature: 0.5, top_p: null, seed: 2 ** 40 + 3, stop: ['\n'], frequency_penalty: 0.2,
      stream: true, stream_options: { include_usage: true }, user: 'ignored', store: false, logprobs: false, n: 1,
    });
    expect(r).toEqual({ model: 'm', stream: true, includeUsage: true, maxTokens: 12, request: { messages: base.messages, temperature: 0.5, seed: 3, stop: ['\n'], frequencyPenalty: 0.2 } });
    expect(parseCompletionRequest({ ...base, seed: -1 }).request.seed).toBe(2 ** 31 - 1);
    expect(parseCompletionRequest({ ...base, stream_options: { include_usage: true } }).includeUsage).toBe(false);
  });

  it('keeps tools only with tool_choice beside them, and every role', () => {
    const messages = [
      { role: 'system', content: 's' }, { role: 'developer', content: [{ type: 'text', text: 'd' }] }, { role: 'user', content: 'u', name: 'ann' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'r' },
    ];
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
    const r = parseCompletionRequest({ ...base, messages, tools, tool_choice: { type: 'function', function: { name: 'f' } }, parallel_tool_calls: false });
    expect(r.request).toMatchObject({ tools, toolChoice: { type: 'function', function: { name: 'f' } }, parallelToolCalls: false });
    expect(r.request.messages).toHaveLength(5);
    expect(parseCompletionRequest({ ...base, tools: [], tool_choice: 'auto' }).request).toEqual({ messages: base.messages });
  });

  it('answers what it cannot do with a 400 naming the parameter', () => {
    expect(refused({ ...base, n: 3 }).param).toBe('n');
    expect(refused({ ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'input_audio', input_audio: {} }] }] })).toMatchObject({ param: 'messages[0].content[1]', message: expect.stringMatching(/audio input/) });
    expect(refused({ ...base, modalities: ['audio'] }).param).toBe('modalities');
    expect(refused({ ...base, logprobs: true }).param).toBe('logprobs');
    expect(refused({ ...base, functions: [] }).message).toMatch(/use tools/);
    expect(refused({ ...base, max_tokens: 5000 }).param).toBe('max_tokens');
    expect(refused({ ...base, messages: [{ role: 'robot', content: 'x' }] }).param).toBe('messages[0].role');
    expect(refused({ ...base, temperature: 3 }).param).toBe('temperature');
    expect(refused('nope').message).toMatch(/JSON object/);
  });
});
