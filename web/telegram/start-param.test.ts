import { describe, expect, it } from 'vitest';
import { parseStartParam, startParamOf } from './start-param';

describe('parseStartParam', () => {
  it('opens each tool by name', () => {
    expect(parseStartParam('tool-summarize')).toEqual({ tool: 'summarize' });
    expect(parseStartParam('tool-rewrite')).toEqual({ tool: 'rewrite' });
    expect(parseStartParam('tool-grammar')).toEqual({ tool: 'grammar' });
    expect(parseStartParam('tool-translate')).toEqual({ tool: 'translate' });
  });

  it('takes a rewrite style and a language to translate into', () => {
    expect(parseStartParam('tool-rewrite-formal')).toEqual({ tool: 'rewrite', style: 'formal' });
    expect(parseStartParam('tool-rewrite-friendly')).toEqual({ tool: 'rewrite', style: 'friendly' });
    expect(parseStartParam('tool-translate-de')).toEqual({ tool: 'translate', language: 'de' });
    expect(parseStartParam('tool-translate-pt_BR')).toEqual({ tool: 'translate', language: 'pt-BR' });
  });

  it('opens nothing for other parameters, unknown options or what Telegram would not pass', () => {
    for (const raw of [undefined, null, '', 'ref-123', 'tool', 'tool-', 'tool-explain', 'tools-summarize', 'tool-summarize-now', 'tool-rewrite-rude', 'tool-grammar-formal', 'tool-translate-Deutsch', 'tool-translate-de_', 'tool-translate-de-AT', 'tool-summarize!', 'tool summarize', `tool-translate-${'a'.repeat(60)}`]) {
      expect(parseStartParam(raw), String(raw)).toBeNull();
    }
  });
});

describe('startParamOf', () => {
  const initData = (fields: Record<string, string>) => new URLSearchParams({ user: JSON.stringify({ id: 1 }), ...fields, hash: 'h' }).toString();

  it('reads tgWebAppStartParam, else the init data start_param', () => {
    expect(startParamOf(new URLSearchParams({ tgWebAppStartParam: 'tool-grammar', tgWebAppData: initData({ start_param: 'tool-summarize' }) }).toString())).toBe('tool-grammar');
    expect(startParamOf(new URLSearchParams({ tgWebAppVersion: '8.0', tgWebAppData: initData({ start_param: 'tool-summarize' }) }).toString())).toBe('tool-summarize');
  });

  it('is undefined when the launch has none', () => {
    expect(startParamOf(new URLSearchParams({ tgWebAppVersion: '8.0', tgWebAppData: initData({}) }).toString())).toBeUndefined();
    expect(startParamOf('')).toBeUndefined();
  });
});
