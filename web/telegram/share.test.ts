import { describe, expect, it } from 'vitest';
import { SHARE_MAX_CHARS, telegramShareLink } from './share';

const sharedText = (link: string) => {
  const url = new URL(link);
  expect(url.origin + url.pathname).toBe('https://t.me/share/url');
  return url.searchParams.get('url');
};

describe('telegramShareLink', () => {
  it('puts the text in `url`, spaces as %20 (Telegram reads + literally)', () => {
    const link = telegramShareLink('Hello, world & more: a+b');
    expect(link).not.toContain('+');
    expect(link).toContain('%20');
    expect(sharedText(link)).toBe('Hello, world & more: a+b');
  });

  it('keeps new lines and non-Latin text', () => {
    expect(sharedText(telegramShareLink('Привет\n```js\nx()\n```'))).toBe('Привет\n```js\nx()\n```');
  });

  it('cuts a text longer than a Telegram message, with an ellipsis, without splitting a character', () => {
    const shared = sharedText(telegramShareLink('😀'.repeat(SHARE_MAX_CHARS + 10)))!;
    expect(Array.from(shared)).toHaveLength(SHARE_MAX_CHARS);
    expect(shared.endsWith('😀…')).toBe(true);
  });
});
