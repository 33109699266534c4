import { describe, expect, it } from 'vitest';
import { sealedRequestBytes } from '@cocoon/shared/crypto/padding';
import { ChatRequestSchema } from '@cocoon/shared/protocol/chat-request';
import { MAX_REQUEST_BYTES } from '@cocoon/shared/protocol/jobs';
import { MICRO_PER_CREDIT } from '@cocoon/shared/pricing';
import { checkText, englishLanguageName, MAX_TOOL_TEXT_CHARS, REWRITE_STYLES, systemPrompt, TOOL_MAX_TOKENS, toolCost, toolRequest, type ToolChoice } from './prompts';

const every: ToolChoice[] = [
  { tool: 'summarize' },
  ...REWRITE_STYLES.map((style) => ({ tool: 'rewrite' as const, style })),
  { tool: 'grammar' },
  { tool: 'translate', language: 'de' },
];

describe('toolRequest', () => {
  it('is the system prompt, then the text as the user message, as the protocol accepts it', () => {
    for (const choice of every) {
      const request = toolRequest(choice, 'Hello there.\nSecond line.');
      expect(ChatRequestSchema.parse(request)).toEqual(request);
      expect(request.messages).toEqual([
        { role: 'system', content: systemPrompt(choice) },
        { role: 'user', content: 'Hello there.\nSecond line.' },
      ]);
    }
  });

  it('gives each tool and option its own instructions, all treating the text as data', () => {
    const prompts = every.map(systemPrompt);
    expect(new Set(prompts).size).toBe(every.length);
    for (const p of prompts) expect(p).toMatch(/not instructions to you/);
    expect(systemPrompt({ tool: 'summarize' })).toMatch(/summary/);
    expect(systemPrompt({ tool: 'rewrite', style: 'shorter' })).toMatch(/shorter/);
    expect(systemPrompt({ tool: 'rewrite', style: 'formal' })).toMatch(/formal/);
    expect(systemPrompt({ tool: 'rewrite', style: 'friendly' })).toMatch(/friendly/);
    expect(systemPrompt({ tool: 'grammar' })).toMatch(/spelling, grammar and punctuation/);
  });

  it('names the target language of a translation in English, with its code', () => {
    expect(systemPrompt({ tool: 'translate', language: 'ru' })).toMatch(/into Russian \(ru\)/);
    expect(systemPrompt({ tool: 'translate', language: 'pt-BR' })).toMatch(/into Brazilian Portuguese \(pt-BR\)/);
    expect(englishLanguageName('not a tag!')).toBe('not a tag!');
  });
});

describe('checkText', () => {
  it('refuses a blank text and one over the limit, before sending', () => {
    expect(checkText('  \n ')).toEqual({ ok: false, chars: 4, reason: 'empty' });
    expect(checkText('Fix me')).toEqual({ ok: true, chars: 6 });
    expect(checkText('a'.repeat(MAX_TOOL_TEXT_CHARS))).toEqual({ ok: true, chars: MAX_TOOL_TEXT_CHARS });
    expect(checkText('a'.repeat(MAX_TOOL_TEXT_CHARS + 1))).toEqual({ ok: false, chars: MAX_TOOL_TEXT_CHARS + 1, reason: 'too_long' });
  });

  it('lets through only texts whose sealed request the broker accepts, whatever their characters', () => {
    // The costliest characters in JSON (an escaped control character: 6 bytes) and in UTF-8 (3 bytes a unit).
    for (const unit of ['\u0001', '界', '😀']) {
      const text = unit.repeat(MAX_TOOL_TEXT_CHARS / unit.length);
      expect(checkText(text).ok).toBe(true);
      for (const choice of every) expect(sealedRequestBytes(toolRequest(choice, text))).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    }
  });
});

describe('toolCost', () => {
  // The demo model's price: 1 credit per 1K prompt tokens, 2 per 1K completion tokens.
  const price = { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n };
  const summarize: ToolChoice = { tool: 'summarize' };

  it('gives a short text the full answer budget under a generous max, and never costs above the max', () => {
    const generous = toolCost(summarize, 'A short text.', price, 1000n, 100n * MICRO_PER_CREDIT);
    expect(generous.budget).toBe(TOOL_MAX_TOKENS);
    const tight = toolCost(summarize, 'A short text.', price, 1000n, 2n * MICRO_PER_CREDIT);
    expect(tight.budget).toBeGreaterThan(0);
    expect(tight.budget).toBeLessThan(TOOL_MAX_TOKENS);
    expect(tight.atMost).toBeLessThanOrEqual(2n * MICRO_PER_CREDIT);
  });

  it('says before sending that a text is too long for the max price', () => {
    expect(toolCost(summarize, 'word '.repeat(2000), price, 1000n, 5n * MICRO_PER_CREDIT).budget).toBe(0);
    // A dearer host (2x) leaves less of the same max for the answer.
    expect(toolCost(summarize, 'A short text.', price, 2000n, 3n * MICRO_PER_CREDIT).budget).toBeLessThan(toolCost(summarize, 'A short text.', price, 1000n, 3n * MICRO_PER_CREDIT).budget);
  });
});
