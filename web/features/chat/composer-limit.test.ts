import { describe, expect, it } from 'vitest';
import { checkDraft, enterSends, LONG_MESSAGE_CHARS, MAX_MESSAGE_CHARS } from './composer-limit';

const pricing = { price: { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n }, coefficientMilli: 1000n, maxPrice: 5_000_000n };

describe('checkDraft', () => {
  it('lets a short message through with nothing to say', () => {
    expect(checkDraft('Hi there', pricing)).toMatchObject({ length: 8, over: 0, showCounter: false, aboveMaxPrice: false, estimate: null });
  });

  it('stops a 20,000-character message before sending, saying by how much it is over', () => {
    const draft = checkDraft('a'.repeat(20_000), pricing);
    expect(draft.over).toBe(20_000 - MAX_MESSAGE_CHARS);
    expect(draft.showCounter).toBe(true);
    expect(draft.estimate).toBeNull();
  });

  it('shows the counter near the limit, before it is reached', () => {
    expect(checkDraft('a'.repeat(MAX_MESSAGE_CHARS * 0.8 - 1), null).showCounter).toBe(false);
    expect(checkDraft('a'.repeat(MAX_MESSAGE_CHARS * 0.8), null)).toMatchObject({ showCounter: true, over: 0 });
    expect(checkDraft('a'.repeat(MAX_MESSAGE_CHARS), null).over).toBe(0);
    expect(checkDraft('a'.repeat(MAX_MESSAGE_CHARS + 1), null).over).toBe(1);
  });

  it('counts characters as a person does: an emoji is one', () => {
    expect(checkDraft('👍👍', null).length).toBe(2);
  });

  it('estimates what reading a long message costs, from the model price', () => {
    // 4,000 ASCII bytes ≈ 1,000 tokens at 1 credit per 1K prompt tokens.
    const draft = checkDraft('b'.repeat(4_000), pricing);
    expect(draft.estimate).toBe(1_000_000n);
    expect(checkDraft('b'.repeat(LONG_MESSAGE_CHARS - 1), pricing).estimate).toBeNull();
    expect(checkDraft('b'.repeat(4_000), null).estimate).toBeNull();
  });

  it('stops a long message that alone costs more than the max price per message', () => {
    // 8,000 bytes seal into a 16 KiB bucket: its prompt bound alone is over 16 credits at this price.
    expect(checkDraft('c'.repeat(8_000), pricing).aboveMaxPrice).toBe(true);
    expect(checkDraft('c'.repeat(8_000), { ...pricing, maxPrice: 100_000_000n }).aboveMaxPrice).toBe(false);
  });
});

describe('enterSends', () => {
  const enter = { key: 'Enter', shiftKey: false, isComposing: false };
  it('sends on Enter with a desktop keyboard, Shift+Enter is a new line', () => {
    expect(enterSends(enter, false)).toBe(true);
    expect(enterSends({ ...enter, shiftKey: true }, false)).toBe(false);
    expect(enterSends({ ...enter, key: 'a' }, false)).toBe(false);
  });

  it('never sends on Return with a touch keyboard, nor while composing (IME)', () => {
    expect(enterSends(enter, true)).toBe(false);
    expect(enterSends({ ...enter, isComposing: true }, false)).toBe(false);
  });
});
