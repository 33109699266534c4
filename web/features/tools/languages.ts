import { TRANSLATE_LANGUAGES } from './prompts';

/**
 * A language tag as Telegram's `language_code` gives it ("pt-br", "EN") in its canonical form
 * ("pt-BR", "en"); null for one that is not a language tag.
 */
export function canonicalLanguage(code: string | null | undefined): string | null {
  if (!code) return null;
  try {
    return Intl.getCanonicalLocales(code)[0] ?? null;
  } catch {
    return null; // not a well-formed tag
  }
}

/**
 * What Translate offers, in order: the user's language first (the default), the one a `startapp`
 * link asked for, then the short list (prompts.ts), each once.
 */
export function translateTargets(userLanguage: string, requested?: string | null): string[] {
  return [...new Set([userLanguage, ...(requested ? [requested] : []), ...TRANSLATE_LANGUAGES])];
}

/** A language's name in the app's language ("Deutsch" is "German" in English), capitalised; the tag when unknown. */
export function languageLabel(code: string, appLocale: string): string {
  const name = new Intl.DisplayNames([appLocale], { type: 'language', fallback: 'code' }).of(code) ?? code;
  return name.charAt(0).toLocaleUpperCase(appLocale) + name.slice(1);
}
