import { formatCredits } from '@cocoon/shared/pricing';
import { formatTon } from '../../ton/amount';
import type { HistoryItem } from './topup-state';

/** One history entry as the list shows it. Amounts stay exact in the row's data attributes. */
export interface HistoryRowView {
  title: string;
  detail: string;
  /** "+10", "−0.0123": signed, formatted credits. */
  amount: string;
  incoming: boolean;
}

/** Signed credits with a true minus sign, as money is typeset. */
export function signedCredits(micro: bigint): string {
  if (micro > 0n) return `+${formatCredits(micro)}`;
  if (micro < 0n) return `−${formatCredits(-micro)}`;
  return '0';
}

const tokens = (i: HistoryItem) => `${i.promptTokens ?? 0} + ${i.completionTokens ?? 0} tokens`;

export function describeHistoryItem(item: HistoryItem): HistoryRowView {
  const micro = BigInt(item.amount);
  const base = { amount: signedCredits(micro), incoming: micro > 0n };
  switch (item.kind) {
    case 'starter':
      return { ...base, title: 'Welcome credits', detail: 'A gift to start with' };
    case 'topup_stars':
      return { ...base, title: 'Telegram Stars', detail: item.stars !== undefined ? `${item.stars} Stars` : 'Top-up' };
    case 'topup_ton':
      return { ...base, title: 'TON top-up', detail: item.nanoton !== undefined ? `${formatTon(BigInt(item.nanoton))} TON` : 'Top-up' };
    case 'job':
      return { ...base, title: item.model ?? 'Answer', detail: tokens(item) };
    case 'refund':
      return { ...base, title: 'Refund', detail: item.stars !== undefined ? `${item.stars} Stars returned` : 'Returned' };
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
  const { locale, timeZone } = opts;
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' }).format(at);
  if (sameDay(at, now, timeZone)) return `Today, ${time}`;
  if (sameDay(at, new Date(now.getTime() - 86_400_000), timeZone)) return `Yesterday, ${time}`;
  const year = new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' });
  const withYear = year.format(at) !== year.format(now);
  const date = new Intl.DateTimeFormat(locale, { timeZone, day: 'numeric', month: 'short', ...(withYear ? { year: 'numeric' } : {}) }).format(at);
  return withYear ? date : `${date}, ${time}`;
}
