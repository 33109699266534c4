import { describe, expect, it } from 'vitest';
import { isBareLink, safeLink } from './links';

describe('safeLink', () => {
  it('opens http and https links, showing their host without www.', () => {
    expect(safeLink('https://www.example.com/path?q=1')).toEqual({ url: 'https://www.example.com/path?q=1', domain: 'example.com' });
    expect(safeLink('http://docs.example.org:8080/x')).toEqual({ url: 'http://docs.example.org:8080/x', domain: 'docs.example.org:8080' });
    expect(safeLink('  HTTPS://Example.COM  ')?.domain).toBe('example.com');
    expect(safeLink('http://127.0.0.1:8080/a')?.domain).toBe('127.0.0.1:8080');
    expect(safeLink('http://[::1]:3000/')?.domain).toBe('[::1]:3000');
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:image/png;base64,AAAA',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'tg://resolve?domain=x',
    'mailto:a@example.com',
    '/relative/path',
    '//evil.example/x',
    '#fragment',
    'example.com',
    'https://',
    'https://x.example"/',
    'https://a_b.example/',
    '',
    null,
    undefined,
  ])('keeps %j as text', (href) => {
    expect(safeLink(href)).toBeNull();
  });

  it('shows the host the browser goes to, not the one a link dresses up as', () => {
    expect(safeLink('https://bank.example@evil.example/login')?.domain).toBe('evil.example');
    expect(safeLink('https://аpple.com/')?.domain).toBe('xn--pple-43d.com');
  });
});

describe('isBareLink', () => {
  it('is true when the text only repeats the URL', () => {
    expect(isBareLink('https://example.com/a', 'https://example.com/a')).toBe(true);
    expect(isBareLink('example.com/a/', 'https://example.com/a')).toBe(true);
  });
  it('is false for a link with words of its own', () => {
    expect(isBareLink('the docs', 'https://example.com/a')).toBe(false);
    expect(isBareLink('https://other.example', 'https://example.com')).toBe(false);
  });
});
