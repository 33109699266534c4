import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { activateLocale, languageCodeOf, loadAreas, pickLocale, t } from './index';

const ids = (file: string): string[] => [...readFileSync(file, 'utf8').matchAll(/^msgid "(.+)"$/gm)].map((m) => m[1]!);
const root = new URL('../locales/', import.meta.url);

describe('i18n', () => {
  it('picks the language from Telegram language_code, English otherwise', () => {
    expect(pickLocale('ru')).toBe('ru');
    expect(pickLocale('ru-RU')).toBe('ru');
    expect(pickLocale('de')).toBe('en');
    expect(pickLocale(undefined)).toBe('en');
  });

  it('every English message is translated into Russian, and no Russian message lacks an English one', () => {
    for (const area of readdirSync(new URL('en/', root))) {
      const en = ids(new URL(`en/${area}`, root).pathname).sort();
      const ru = ids(new URL(`ru/${area}`, root).pathname).sort();
      expect(ru, area).toEqual(en);
    }
  });

  it('formats plurals in each language', async () => {
    await activateLocale('en');
    expect(t('common.messages', { count: 1 })).toBe('1 message');
    await activateLocale('ru');
    expect(t('common.messages', { count: 1 })).toBe('1 сообщение');
    expect(t('common.messages', { count: 3 })).toBe('3 сообщения');
    expect(t('common.messages', { count: 5 })).toBe('5 сообщений');
    await activateLocale('en');
  });
});

describe('languageCodeOf', () => {
  it('reads the user language from initData, and nothing from junk', () => {
    const initData = new URLSearchParams({ user: JSON.stringify({ id: 1, language_code: 'ru' }), hash: 'x' }).toString();
    expect(languageCodeOf(initData)).toBe('ru');
    expect(languageCodeOf('user=%7Bnot-json')).toBeUndefined();
    expect(languageCodeOf('')).toBeUndefined();
  });
});

describe('loadAreas', () => {
  it('loads a lazy screen area in the active language, English under it', async () => {
    await activateLocale('ru');
    expect(t('about.title')).toBe('about.title');
    await loadAreas(['about']);
    expect(t('about.title')).toBe('О приложении');
    expect(t('common.retry')).toBe('Повторить');
    await activateLocale('en');
    await loadAreas(['about']);
    expect(t('about.title')).toBe('About');
  });
});
