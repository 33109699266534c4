import { describe, expect, it, vi } from 'vitest';
import { createBackStack } from './back-stack';

describe('createBackStack', () => {
  it('sends a press to the innermost handler only', () => {
    const stack = createBackStack(() => {});
    const screen = vi.fn();
    const sheet = vi.fn();
    stack.push(screen);
    const closeSheet = stack.push(sheet);
    stack.press();
    expect(sheet).toHaveBeenCalledOnce();
    expect(screen).not.toHaveBeenCalled();
    closeSheet();
    stack.press();
    expect(screen).toHaveBeenCalledOnce();
  });

  it('reports its size so the button shows only while someone wants it', () => {
    const sizes: number[] = [];
    const stack = createBackStack((n) => sizes.push(n));
    const a = stack.push(() => {});
    const b = stack.push(() => {});
    a();
    a();
    b();
    expect(sizes).toEqual([1, 2, 1, 0]);
    expect(stack.size).toBe(0);
    expect(() => stack.press()).not.toThrow();
  });
});
