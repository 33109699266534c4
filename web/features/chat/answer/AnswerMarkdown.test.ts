import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AnswerMarkdown } from './AnswerMarkdown';

const render = (text: string, streaming = false) => renderToStaticMarkup(createElement(AnswerMarkdown, { text, streaming }));

describe('AnswerMarkdown', () => {
  it('renders markdown: emphasis, lists, headings, quotes, inline code', () => {
    const html = render('# Title\n\n**bold** and *it* and `x()`\n\n- one\n- two\n\n> quoted');
    expect(html).toContain('<h1');
    expect(html).toContain('<strong class="font-semibold">bold</strong>');
    expect(html).toContain('<em class="italic">it</em>');
    expect(html).toMatch(/<code[^>]*>x\(\)<\/code>/);
    expect(html).toMatch(/<ul[^>]*><li[^>]*>one<\/li><li[^>]*>two<\/li><\/ul>/);
    expect(html).toContain('<blockquote');
  });

  it('never makes an <img>: an image is text with its alt and its URL, and nothing has a src', () => {
    const html = render('See ![a cat](http://127.0.0.1:9/canary.png?leak=secret) and ![](https://x.example/y.png)');
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<[a-z][^>]*\ssrc=/i);
    expect(html).toContain('a cat');
    expect(html).toContain('http://127.0.0.1:9/canary.png?leak=secret');
    expect(html.match(/data-testid="answer-image"/g)).toHaveLength(2);
  });

  it('shows raw HTML as text, never as elements', () => {
    const html = render('Hi <img src="http://x.example/a.png" onerror="alert(1)"> <b>b</b>\n\n<div><script>alert(1)</script><iframe src="https://x.example"></iframe></div>\n\n<video src="https://x.example/v.mp4" />');
    for (const tag of ['img', 'script', 'iframe', 'div><script', 'video', 'b>']) expect(html).not.toContain(`<${tag}`);
    expect(html).not.toMatch(/<[a-z][^>]*\s(src|onerror)=/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('links only to http(s), with the domain shown; other schemes are plain text', () => {
    const html = render('[docs](https://docs.example.com/a) [bad](javascript:alert(1)) [data](data:text/html,x) https://www.bare.example/path');
    expect(html).toContain('href="https://docs.example.com/a"');
    expect(html).toContain('docs.example.com ↗');
    expect(html).toContain('bare.example ↗');
    expect(html).not.toMatch(/href="(javascript|data):/i);
    expect(html).toMatch(/<span data-testid="answer-link-text">bad<\/span>/);
    expect(html.match(/<a /g)).toHaveLength(2);
  });

  it('renders a fenced code block with its language, a Copy button and coloured tokens', () => {
    const html = render('```python\nprint("hi")  # say\n```');
    expect(html).toContain('data-testid="answer-code"');
    expect(html).toMatch(/data-testid="answer-code-language">python</);
    expect(html).toContain('data-testid="answer-code-copy"');
    expect(html).toMatch(/<code class="font-mono" data-language="python">/);
    expect(html).toMatch(/<span style="color:#[0-9a-f]{6}">print<\/span>|<span style="color:#[0-9a-f]{6}">&quot;hi&quot;<\/span>/);
  });

  it('keeps no attribute the answer could set on an element (style, class, id) beyond our own', () => {
    const html = render('| a | b |\n|:-:|--|\n| 1 | 2 |');
    expect(html).toContain('<table');
    expect(html).toContain('style="text-align:center"');
    expect(html).not.toMatch(/\sid=/);
  });

  it('while streaming, holds back an unclosed emphasis instead of showing its asterisks', () => {
    expect(render('Some **bol', true)).not.toContain('**');
  });
});
