import { formatCredits, MICRO_PER_CREDIT } from '@cocoon/shared/pricing';
import { formatNumber, t } from '../../i18n';

/** Micro-credits per 1K tokens from a per-1M price, as people read it; tiny prices stay visible. */
export function pricePer1K(perMillion: bigint): string {
  const per1K = perMillion / 1000n;
  if (per1K === 0n && perMillion > 0n) return '<0.0001';
  if (perMillion > 0n && per1K < 100n) return '<0.0001';
  return formatCredits(per1K);
}

/** Micro-credits as a plain number (for plural rules and Intl), exact to 4 decimals. */
export const creditsCount = (micro: bigint): number => Number(micro) / Number(MICRO_PER_CREDIT);

/** Micro-credits as a number in the user's language: "2.064", "2,064"; at most 4 decimals, never rounded up. */
export const creditsNumber = (micro: bigint): string => formatNumber(creditsCount(micro), { maximumFractionDigits: 4, roundingMode: 'trunc' });

/** Micro-credits with their unit, in the user's language: "1 credit", "2.5 credits", "5 кредитов". */
export const creditsText = (micro: bigint): string => t('chat.credits', { count: creditsCount(micro), amount: creditsNumber(micro) });

/** "in 5 min", "in 2 h 10 min", "expired": how long an attestation stays valid. */
export function timeLeft(expiresAt: number, nowMs: number): string {
  const s = expiresAt - Math.floor(nowMs / 1000);
  if (s <= 0) return t('chat.time.expired');
  if (s < 60) return t('chat.time.underMinute');
  const min = Math.floor(s / 60);
  if (min < 60) return t('chat.time.minutes', { min });
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? t('chat.time.hoursMinutes', { h, min: min % 60 }) : t('chat.time.hours', { h });
  return t('chat.time.days', { days: Math.floor(h / 24) });
}

/** `abcdef12…89ab`: enough of a digest to compare by eye. */
export const shortDigest = (hex: string, keep = 8): string => (hex.length <= keep * 2 + 1 ? hex : `${hex.slice(0, keep)}…${hex.slice(-4)}`);
