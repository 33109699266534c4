import { beginCell } from '@ton/core';
import { describe, expect, it } from 'vitest';
import { bouncedComment, textComment } from './decode-transaction';

/** What a bounce carries: 0xffffffff, then the first 256 bits of the body that bounced. */
const bounceOf = (body: ReturnType<typeof beginCell>) => {
  const original = body.endCell().beginParse();
  return beginCell().storeUint(0xffffffff, 32).storeBits(original.loadBits(Math.min(256, original.remainingBits))).endCell();
};
const comment = (text: string) => beginCell().storeUint(0, 32).storeStringTail(text);

describe('bounced comments', () => {
  it('reads the comment of the message that bounced, as far as the bounce carries it', () => {
    expect(bouncedComment(bounceOf(comment('Cocoon #9223372036854775807')))).toBe('Cocoon #9223372036854775807');
    expect(bouncedComment(bounceOf(comment('a text comment longer than twenty-eight bytes')))).toBe('a text comment longer than t');
  });
  it('is null for a body that is not a bounce of a text comment', () => {
    expect(bouncedComment(comment('Cocoon #1').endCell())).toBeNull();
    expect(bouncedComment(bounceOf(beginCell().storeUint(0x0f8a7ea5, 32).storeUint(1, 64)))).toBeNull();
    expect(bouncedComment(beginCell().storeUint(0xffffffff, 32).endCell())).toBeNull();
    expect(textComment(bounceOf(comment('Cocoon #1')))).toBeNull();
  });
});
