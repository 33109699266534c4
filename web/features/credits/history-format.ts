import { currentLocale, t } from '../../i18n';
import { localTon, signedCredits } from './credit-format';
import type { HistoryItem } from './topup-state';

/** One history entry as the list shows it. Amounts stay exact in the row's data attributes. */
export interface HistoryRowView {
  title: string;
  detail: string;
  /** "+10", "−0.0123": signed, formatted credits. */
  amount: string;
  incoming: boolean;
}

const tokens = (i: HistoryItem) => t('credits.history.tokens', { prompt: i.promptTokens ?? 0, completion: i.completionTokens ?? 0 });

export function describeHistoryItem(item: HistoryItem): HistoryRowView {
  const micro = BigInt(item.amount);
  const base = { amount: signedCredits(micro), incoming: micro > 0n };
  switch (item.kind) {
    case 'starter':
      return { ...base, title: t('credits.history.welcome'), detail: t('credits.history.welcomeDetail') };
    case 'topup_stars':
      return { ...base, title: t('credits.history.stars'), detail: item.stars !== undefined ? t('credits.stars', { count: item.stars }) : t('credits.history.topup') };
    case 'topup_ton':
      return { ...base, title: t('credits.history.ton'), detail: item.nanoton !== undefined ? t('credits.ton', { amount: localTon(BigInt(item.nanoton)) }) : t('credits.history.topup') };
    case 'job':
      return { ...base, title: item.model ?? t('credits.history.answer'), detail: tokens(item) };
    case 'refund':
      return { ...base, title: t('credits.history.refund'), detail: item.stars !== undefined ? t('credits.history.starsReturned', { count: item.stars }) : t('credits.history.returned') };
  }
}

const sameDay = (a: Date, b: Date, tz: string | undefined) => {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
  return day.format(a) === day.format(b);
};

/** "Today, 14:05", "Yesterday, 09:12", "3 Mar, 14:05"; the year only when it is not this one. */
export function formatWhen(iso: string, now: Date, opts: { locale?: string; timeZone?: string } = {}): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const { locale = currentLocale(), timeZone } = opts;
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' }).format(at);
  if (sameDay(at, now, timeZone)) return t('credits.history.today', { time });
  if (sameDay(at, new Date(now.getTime() - 86_400_000), timeZone)) return t('credits.history.yesterday', { time });
  const year = new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' });
  const withYear = year.format(at) !== year.format(now);
  const date = new Intl.DateTimeFormat(locale, { timeZone, day: 'numeric', month: 'short', ...(withYear ? { year: 'numeric' } : {}) }).format(at);
  return withYear ? date : `${date}, ${time}`;
}
