import { describe, expect, it } from 'vitest';
import { effectiveMaxTokens, loadAnswerLength } from './answer-length';
import { estimateTokens, trimToContext } from './context';

const turn = (i: number, bytes = 300) => [
  { role: 'user' as const, content: `q${i} ${'x'.repeat(bytes)}` },
  { role: 'assistant' as const, content: `a${i} ${'y'.repeat(bytes)}` },
];
const history = [1, 2, 3, 4, 5, 6].flatMap((i) => turn(i));
const ask = { role: 'user' as const, content: 'the newest question' };

describe('trimming the conversation to the model context', () => {
  it('estimates tokens high: a third of the UTF-8 bytes, plus each message\'s template', () => {
    expect(estimateTokens([{ role: 'user', content: 'abcdef' }])).toBe(2 + 8);
    expect(estimateTokens([{ role: 'user', content: 'яя' }])).toBe(2 + 8); // 4 bytes
  });

  it('sends everything that fits, and everything when the context length is unknown', () => {
    expect(trimToContext([...history, ask], 100_000, 1024)).toEqual({ messages: [...history, ask], leftOut: 0, maxTokens: 1024 });
    expect(trimToContext([...history, ask], null, 1024)).toMatchObject({ leftOut: 0, maxTokens: 1024 });
  });

  it('drops the oldest whole turns first, keeps the system prompt and the newest message, and leaves room for the answer', () => {
    const system = { role: 'system' as const, content: 'Be brief.' };
    const all = [system, ...history, ask];
    const { messages, leftOut, maxTokens } = trimToContext(all, 1024, 512);
    expect(messages[0]).toEqual(system);
    expect(messages.at(-1)).toEqual(ask);
    expect(messages[1]?.role).toBe('user');
    expect(leftOut).toBeGreaterThan(0);
    expect(leftOut % 2).toBe(0);
    expect(messages).toEqual([system, ...history.slice(leftOut), ask]);
    expect(estimateTokens(messages) + maxTokens).toBeLessThanOrEqual(1024);
    expect(maxTokens).toBe(512);
    // One more turn would not have fit.
    expect(estimateTokens([system, ...history.slice(leftOut - 2), ask]) + 512).toBeGreaterThan(1024 - 32);
  });

  it('keeps the newest message even when it alone is too long, with a smaller answer budget', () => {
    const huge = { role: 'user' as const, content: 'z'.repeat(2400) };
    const { messages, leftOut, maxTokens } = trimToContext([...history, huge], 1024, 512);
    expect(messages).toEqual([huge]);
    expect(leftOut).toBe(history.length);
    expect(maxTokens).toBeLessThan(512);
    expect(maxTokens).toBeGreaterThanOrEqual(1);
  });
});

describe('the answer length setting', () => {
  it('is bounded by the model context, leaving a quarter for the conversation', () => {
    expect(effectiveMaxTokens('short', 2048)).toBe(256);
    expect(effectiveMaxTokens('normal', 2048)).toBe(1024);
    expect(effectiveMaxTokens('long', 2048)).toBe(1536);
    expect(effectiveMaxTokens('long', null)).toBe(4096);
    expect(effectiveMaxTokens('normal', 512)).toBe(256);
  });

  it('is read back from the device, Normal when unset or unknown', () => {
    const storage = (v: string | null) => ({ getItem: () => v, setItem: () => undefined });
    expect(loadAnswerLength(storage('short'))).toBe('short');
    expect(loadAnswerLength(storage(null))).toBe('normal');
    expect(loadAnswerLength(storage('huge'))).toBe('normal');
  });
});
