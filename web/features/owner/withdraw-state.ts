import { MICRO_PER_CREDIT } from '@cocoon/shared/pricing';

/** "12.5" -> 12_500_000n micro-credits; null for anything but a positive amount with at most 6 decimals. */
export function parseCredits(input: string): bigint | null {
  const m = /^\s*(\d{1,12})(?:[.,](\d{0,6}))?\s*$/.exec(input);
  if (!m) return null;
  const micro = BigInt(m[1]!) * MICRO_PER_CREDIT + BigInt((m[2] ?? '').padEnd(6, '0') || '0');
  return micro > 0n ? micro : null;
}

/** Exact micro-credits as an editable number: 12_500_000n -> "12.5" (no rounding, unlike formatCredits). */
export function creditsInput(micro: bigint): string {
  const frac = (micro % MICRO_PER_CREDIT).toString().padStart(6, '0').replace(/0+$/, '');
  return `${micro / MICRO_PER_CREDIT}${frac ? '.' + frac : ''}`;
}

export type AmountCheck = { ok: true; amount: bigint } | { ok: false; reason: 'invalid' | 'below_minimum' | 'insufficient' | 'nothing' };

/** Whether `input` may be withdrawn: a valid amount, at least the minimum, at most what is withdrawable. */
export function checkAmount(input: string, withdrawable: bigint, minWithdraw: bigint): AmountCheck {
  if (withdrawable <= 0n || withdrawable < minWithdraw) return { ok: false, reason: 'nothing' };
  const amount = parseCredits(input);
  if (amount === null) return { ok: false, reason: 'invalid' };
  if (amount < minWithdraw) return { ok: false, reason: 'below_minimum' };
  if (amount > withdrawable) return { ok: false, reason: 'insufficient' };
  return { ok: true, amount };
}

/** A fresh key for one withdrawal attempt: a resend of the same attempt reuses it, so it pays once. */
export const newIdempotencyKey = (): string => crypto.randomUUID();
