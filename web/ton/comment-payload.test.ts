import { Cell } from '@ton/core';
import { describe, expect, it } from 'vitest';
import { commentPayload } from './comment-payload';

const read = (boc: string) => {
  const s = Cell.fromBase64(boc).beginParse();
  return { op: s.loadUint(32), text: s.loadStringTail() };
};

describe('commentPayload', () => {
  it('is op 0 followed by the text', () => {
    expect(read(commentPayload('cocoon-ab12cd'))).toEqual({ op: 0, text: 'cocoon-ab12cd' });
  });

  it('keeps a long, non-ASCII comment whole across cells', () => {
    const text = 'депозит · '.repeat(40);
    expect(read(commentPayload(text)).text).toBe(text);
  });
});
