import { describe, expect, it } from 'vitest';
import { canonicalLanguage, languageLabel, translateTargets } from './languages';

describe('translate targets', () => {
  it('reads Telegram language codes as canonical tags', () => {
    expect(canonicalLanguage('pt-br')).toBe('pt-BR');
    expect(canonicalLanguage('EN')).toBe('en');
    expect(canonicalLanguage('not a tag')).toBeNull();
    expect(canonicalLanguage(undefined)).toBeNull();
  });

  it('offers the user language first, then the requested one, then the short list, each once', () => {
    const targets = translateTargets('de', 'ja');
    expect(targets.slice(0, 3)).toEqual(['de', 'ja', 'en']);
    expect(targets.filter((c) => c === 'de')).toHaveLength(1);
    expect(targets.filter((c) => c === 'ja')).toHaveLength(1);
    expect(translateTargets('pt-BR')[0]).toBe('pt-BR');
  });

  it('names languages in the app language, capitalised', () => {
    expect(languageLabel('de', 'en')).toBe('German');
    expect(languageLabel('de', 'ru')).toBe('Немецкий');
  });
});
