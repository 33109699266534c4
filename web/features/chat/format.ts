import { formatCredits } from '@cocoon/shared/pricing';

/** Micro-credits per 1K tokens from a per-1M price, as people read it; tiny prices stay visible. */
export function pricePer1K(perMillion: bigint): string {
  const per1K = perMillion / 1000n;
  if (per1K === 0n && perMillion > 0n) return '<0.0001';
  if (perMillion > 0n && per1K < 100n) return '<0.0001';
  return formatCredits(per1K);
}

/** "in 5 min", "in 2 h 10 min", "expired": how long an attestation stays valid. */
export function timeLeft(expiresAt: number, nowMs: number): string {
  const s = expiresAt - Math.floor(nowMs / 1000);
  if (s <= 0) return 'expired';
  if (s < 60) return 'in <1 min';
  const min = Math.floor(s / 60);
  if (min < 60) return `in ${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `in ${h} h${min % 60 ? ` ${min % 60} min` : ''}`;
  return `in ${Math.floor(h / 24)} days`;
}

/** `abcdef12…89ab`: enough of a digest to compare by eye. */
export const shortDigest = (hex: string, keep = 8): string => (hex.length <= keep * 2 + 1 ? hex : `${hex.slice(0, keep)}…${hex.slice(-4)}`);
