import { describe, expect, it } from 'vitest';
import { initialChatState, type ChatAction, type JobPricing } from '../chat/chat-state';
import { lastResult, toolReducer } from './tool-state';

const pricing: JobPricing = { price: { promptPerMillion: 1n, completionPerMillion: 2n }, coefficientMilli: 1000n, maxCharge: 5_000_000n };
const apply = (actions: ChatAction[]) => actions.reduce(toolReducer, initialChatState);

describe('toolReducer', () => {
  it('streams a run into its result', () => {
    const state = apply([
      { type: 'send', jobId: 'a', text: 'the text', model: 'm', pricing },
      { type: 'started', jobId: 'a' },
      { type: 'delta', jobId: 'a', text: 'Short' },
      { type: 'delta', jobId: 'a', text: 'er.' },
    ]);
    expect(state.activeJobId).toBe('a');
    expect(lastResult(state)).toMatchObject({ id: 'a', status: 'streaming', text: 'Shorter.' });
  });

  it('forgets the last run, its text and its banner, when the next is sent', () => {
    const state = apply([
      { type: 'send', jobId: 'a', text: 'first text', model: 'm', pricing },
      { type: 'failed', jobId: 'a', error: { code: 'job.timeout' } },
      { type: 'send', jobId: 'b', text: 'second text', model: 'm', pricing },
    ]);
    expect(state.messages.map((m) => m.id)).toEqual(['b:user', 'b']);
    expect(state.banner).toBeNull();
    expect(lastResult(state)).toMatchObject({ id: 'b', status: 'sealing', text: '' });
  });

  it('has no result before the first run', () => {
    expect(lastResult(initialChatState)).toBeNull();
  });
});
