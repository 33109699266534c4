import { i18n, type Messages } from '@lingui/core';

/**
 * The Mini App's languages (Lingui, catalogues compiled from web/locales/<locale>/<area>.po by
 * @lingui/vite-plugin; areas listed in lingui.config.ts). The chat's areas are in the first load in
 * English; a screen that loads lazily loads its areas' catalogues with its code (`loadAreas`), and
 * another language's catalogues load before the first render (main.tsx), picked from Telegram's
 * `language_code`. A message a translation lacks falls back to English, never to its id.
 */
export const LOCALES = ['en', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];
export const SOURCE_LOCALE: Locale = 'en';

/** The areas whose English catalogues are in the first load: the chat's. */
export const FIRST_LOAD_AREAS = ['common', 'chat', 'conversations', 'answers', 'network'] as const;
/** The areas whose catalogues load with the lazy screens (web/app/Screens.tsx) and the chat's sheets (features/chat/sheets-module.ts). */
export type LazyArea = 'tools' | 'credits' | 'owner' | 'developer' | 'about' | 'attestation' | 'errors' | 'history';
type Area = (typeof FIRST_LOAD_AREAS)[number] | LazyArea;

type Catalogue = { messages: Messages };
type Loaders = Record<string, () => Promise<Catalogue>>;

const firstLoadEnglish = import.meta.glob<Catalogue>('../locales/en/{common,chat,conversations,answers,network}.po', { eager: true });
const catalogues: Record<Locale, Loaders> = {
  // The first-load areas are in the first load already (above): only the others load lazily.
  en: import.meta.glob<Catalogue>(['../locales/en/*.po', '!../locales/en/{common,chat,conversations,answers,network}.po']),
  ru: import.meta.glob<Catalogue>('../locales/ru/*.po'),
};
/** Each loaded area's English messages: the fallback under its translation. */
const englishByArea = new Map<Area, Messages>(FIRST_LOAD_AREAS.map((area) => [area, firstLoadEnglish[`../locales/en/${area}.po`]?.messages ?? {}]));
/** `locale/area` of every catalogue in i18n. */
const loaded = new Set<string>(FIRST_LOAD_AREAS.map((area) => `en/${area}`));

i18n.load(SOURCE_LOCALE, Object.assign({}, ...englishByArea.values()) as Messages);
i18n.activate(SOURCE_LOCALE);

/** The app's language for Telegram's `language_code` ("ru", "ru-RU", "en-US", undefined): English unless translated. */
export function pickLocale(languageCode: string | null | undefined): Locale {
  const base = (languageCode ?? '').toLowerCase().split(/[-_]/)[0];
  return (LOCALES as readonly string[]).includes(base ?? '') ? (base as Locale) : SOURCE_LOCALE;
}

async function loadCatalogue(locale: Locale, area: Area): Promise<Messages> {
  const load = catalogues[locale][`../locales/${locale}/${area}.po`];
  if (!load) throw new Error(`no ${locale} catalogue for ${area}`);
  return (await load()).messages;
}

async function englishOf(area: Area): Promise<Messages> {
  const known = englishByArea.get(area);
  if (known) return known;
  const messages = await loadCatalogue(SOURCE_LOCALE, area);
  englishByArea.set(area, messages);
  return messages;
}

/** Puts `areas` of `locale` into i18n: English first, so a message the translation lacks is still readable. */
async function loadInto(locale: Locale, areas: readonly Area[]): Promise<void> {
  const wanted = areas.filter((area) => !loaded.has(`${locale}/${area}`));
  if (wanted.length === 0) return;
  const [english, translated] = await Promise.all([
    Promise.all(wanted.map(englishOf)),
    locale === SOURCE_LOCALE ? [] : Promise.all(wanted.map((area) => loadCatalogue(locale, area))),
  ]);
  i18n.load(locale, Object.assign({}, ...english, ...translated) as Messages);
  for (const area of wanted) loaded.add(`${locale}/${area}`);
}

/** Loads the active language's catalogues of a lazily loaded screen's `areas` (with its code: web/app/Screens.tsx). */
export const loadAreas = (areas: readonly LazyArea[]): Promise<void> => loadInto(currentLocale(), areas);

/** Switches to `locale`, loading its first-load catalogues first. */
export async function activateLocale(locale: Locale): Promise<void> {
  await loadInto(locale, FIRST_LOAD_AREAS);
  i18n.activate(locale);
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

/** The active language. */
export const currentLocale = (): Locale => i18n.locale as Locale;

/**
 * A message by id, in the active language, with ICU values (`{count, plural, ...}`, `{name}`):
 * `t('common.messages', { count: 3 })`.
 */
export function t(id: string, values?: Record<string, unknown>): string {
  return i18n._(id, values);
}

/** Numbers, dates and times in the active language. */
export const formatNumber = (n: number | bigint, options?: Intl.NumberFormatOptions): string => new Intl.NumberFormat(currentLocale(), options).format(n);
export const formatDate = (d: Date | number, options?: Intl.DateTimeFormatOptions): string => new Intl.DateTimeFormat(currentLocale(), options).format(d);

/** The `language_code` of the user in Telegram's raw `initData`, if it names one. */
export function languageCodeOf(initData: string): string | undefined {
  try {
    const user: unknown = JSON.parse(new URLSearchParams(initData).get('user') ?? 'null');
    const code = typeof user === 'object' && user !== null && 'language_code' in user ? user.language_code : undefined;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
