import { describe, expect, it } from 'vitest';
import { CODE_PALETTES, codeLanguage, contrastRatio, highlightLines } from './highlight';

describe('code palettes', () => {
  for (const [scheme, palette] of Object.entries(CODE_PALETTES)) {
    it(`${scheme}: text and every token colour have at least 4.5:1 contrast on the code background`, () => {
      for (const colour of [palette.text, ...Object.values(palette.tokens)]) {
        expect(contrastRatio(colour, palette.background), colour).toBeGreaterThanOrEqual(4.5);
      }
    });
  }

  it('computes WCAG contrast', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });
});

describe('codeLanguage', () => {
  it('maps fence words to the highlighter\'s languages and keeps the fence word as the label', () => {
    expect(codeLanguage('py')).toEqual({ id: 'python', label: 'py' });
    expect(codeLanguage('TS')).toEqual({ id: 'typescript', label: 'ts' });
    expect(codeLanguage('bash title="x"')).toEqual({ id: 'shell', label: 'bash' });
  });
  it('has no language for an unknown or missing fence word', () => {
    expect(codeLanguage('brainfuck')).toEqual({ id: undefined, label: 'brainfuck' });
    expect(codeLanguage(undefined)).toEqual({ id: undefined, label: null });
    expect(codeLanguage('  ')).toEqual({ id: undefined, label: null });
  });
});

describe('highlightLines', () => {
  const code = 'const a = "<img src=x>"; // hi\nreturn a';

  it('splits code into lines of tokens whose text is exactly the code', () => {
    const lines = highlightLines(code, 'javascript');
    expect(lines.map((l) => l.map((t) => t.value).join('')).join('\n')).toBe(code);
  });

  it('colours keywords, strings and comments', () => {
    const tokens = highlightLines(code, 'javascript').flat();
    expect(tokens.find((t) => t.value === 'const')?.type).toBe('keyword');
    expect(tokens.filter((t) => t.type === 'string').map((t) => t.value).join('')).toContain('<img src=x>');
    expect(tokens.find((t) => t.type === 'comment')?.value).toContain('// hi');
  });

  it('uses the language\'s rules: # starts a comment in Python', () => {
    const tokens = highlightLines('x = 1  # note', 'python').flat();
    expect(tokens.find((t) => t.type === 'comment')?.value).toContain('# note');
  });
});
