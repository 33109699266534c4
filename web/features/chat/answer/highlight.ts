import { parse, type TokenType } from 'sugar-high/core';
import { lang as canonicalLanguage, languages } from 'sugar-high/lang';

/**
 * Syntax colours for code in answers (sugar-high: a small tokenizer). The tokens are rendered as
 * React text, never as HTML. Each colour scheme has its own code background so every token colour
 * keeps ≥ 4.5:1 contrast whatever the Telegram theme around it (highlight.test.ts checks it).
 */
export type ColorScheme = 'light' | 'dark';

export interface CodePalette {
  background: string;
  text: string;
  tokens: Partial<Record<TokenType, string>>;
}

/** GitHub-like colours, darkened or lightened where needed to pass 4.5:1 on their background. */
export const CODE_PALETTES: Record<ColorScheme, CodePalette> = {
  light: {
    background: '#f6f8fa',
    text: '#1f2328',
    tokens: {
      keyword: '#cf222e',
      string: '#0a3069',
      class: '#953800',
      property: '#0550ae',
      entity: '#6639ba',
      jsxliterals: '#116329',
      sign: '#57606a',
      comment: '#57606a',
    },
  },
  dark: {
    background: '#161b22',
    text: '#e6edf3',
    tokens: {
      keyword: '#ff7b72',
      string: '#a5d6ff',
      class: '#ffa657',
      property: '#79c0ff',
      entity: '#d2a8ff',
      jsxliterals: '#7ee787',
      sign: '#c9d1d9',
      comment: '#8b949e',
    },
  },
};

export interface CodeToken {
  type: TokenType;
  value: string;
}

/**
 * A code fence's language: sugar-high's name for it when it knows it (`js`, `py`, `bash`, …), and
 * the label shown above the block (the fence's own word, or none).
 */
export function codeLanguage(fence: string | undefined): { id: string | undefined; label: string | null } {
  const word = fence?.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  return { id: word ? canonicalLanguage(word) : undefined, label: word || null };
}

/** `code` as lines of coloured tokens; their values joined are exactly the code. */
export function highlightLines(code: string, languageId: string | undefined): CodeToken[][] {
  const config = languages.find((l) => l.id === languageId)?.config;
  return parse(code, config).lines.map((line) => line.tokens.map(({ type, value }) => ({ type, value })));
}

/** WCAG 2 contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
