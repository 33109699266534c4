import { MICRO_PER_CREDIT } from '@cocoon/shared/pricing';
import type { ApiKey, UsageItem } from '@cocoon/shared/protocol/developer';
import { formatNumber, t } from '../../i18n';
import { creditCount, localCredits as formatCredits } from '../credits/credit-format';

/** The largest limit a person can type: a billion credits. */
const MAX_LIMIT = 1_000_000_000n * MICRO_PER_CREDIT;

/**
 * A limit as typed ("5", "0.25", "1,5") to micro-credits; empty means no limit (null). Invalid
 * text (letters, a minus, more than 6 decimals, above a billion credits) gives `undefined`.
 * @example parseLimit('2.5') // 2_500_000n; parseLimit('') // null
 */
export function parseLimit(text: string): bigint | null | undefined {
  if (text.trim() === '') return null;
  const m = /^\s*(\d{1,10})(?:[.,](\d{1,6}))?\s*$/.exec(text);
  if (!m) return undefined;
  const micro = BigInt(m[1]!) * MICRO_PER_CREDIT + BigInt((m[2] ?? '').padEnd(6, '0'));
  return micro <= MAX_LIMIT ? micro : undefined;
}

/** "5 credits", or "No limit". */
export const limitText = (micro: bigint | null): string => (micro === null ? t('developer.noLimit') : t('developer.credits', { count: creditCount(micro), amount: formatCredits(micro) }));

/** "1.2 of 5 today", "1.2 today": what the key spent against its daily budget. */
export function spentToday(key: ApiKey): string {
  const spent = formatCredits(key.spent.today);
  return key.limits.daily === null ? t('developer.spentToday', { spent }) : t('developer.spentTodayOf', { spent, limit: formatCredits(key.limits.daily) });
}

/** "3.4 of 10 total", "3.4 total". */
export function spentTotal(key: ApiKey): string {
  const spent = formatCredits(key.spent.total);
  return key.limits.total === null ? t('developer.spentTotal', { spent }) : t('developer.spentTotalOf', { spent, limit: formatCredits(key.limits.total) });
}

/** The usage row's second line: tokens, the key, the outcome when it is not a plain success. */
export function usageDetail(item: UsageItem): string {
  const tokens = item.promptTokens === null ? null : t('developer.tokens', { prompt: formatNumber(item.promptTokens), completion: formatNumber(item.completionTokens ?? 0), count: item.completionTokens ?? 0 });
  const outcome = item.status === 'failed' ? (item.errorCode ? t('developer.failedCode', { code: item.errorCode }) : t('developer.failed')) : item.status === 'settled' ? null : t('developer.inProgress');
  return [tokens, item.keyName, outcome].filter((p): p is string => p !== null).join(' · ');
}

/** The cost as the list shows it: "−0.0123", "0" for a failed request, "…" while in flight. */
export function usageCost(item: UsageItem): string {
  if (item.cost === null) return '…';
  return item.cost === 0n ? '0' : `−${formatCredits(item.cost)}`;
}

/** Today's UTC date, `YYYY-MM-DD`: the day the broker counts budgets and filters usage by. */
export const utcToday = (now = new Date()): string => now.toISOString().slice(0, 10);
