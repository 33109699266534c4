import { describe, expect, it } from 'vitest';
import { sameRawAddress, shortAddress } from './address';

describe('addresses', () => {
  it('shortens a friendly address to its ends', () => {
    expect(shortAddress('UQBvW8Z5huBkMJYdnfAEM5JqTNkuWX3diqYENkWsIL0XggGG')).toBe('UQBv…ggGG');
    expect(shortAddress('short')).toBe('short');
  });

  it('compares raw addresses without regard to case', () => {
    expect(sameRawAddress('0:AB12', '0:ab12')).toBe(true);
    expect(sameRawAddress('0:ab12', '-1:ab12')).toBe(false);
  });
});
