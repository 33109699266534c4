/** TON amounts: nanoTON (`bigint`) on the wire, decimal TON for people. UI only. */
export const NANO_PER_TON = 1_000_000_000n;

/** "1.5" -> 1_500_000_000n; null for anything that is not a positive amount with at most 9 decimals. */
export function parseTon(input: string): bigint | null {
  const m = /^\s*(\d{1,12})(?:[.,](\d{0,9}))?\s*$/.exec(input);
  if (!m) return null;
  const nano = BigInt(m[1]!) * NANO_PER_TON + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
  return nano > 0n ? nano : null;
}

/** 1_500_000_000n -> "1.5"; trailing zeros dropped. */
export function formatTon(nano: bigint): string {
  const sign = nano < 0n ? '-' : '';
  const abs = nano < 0n ? -nano : nano;
  const frac = (abs % NANO_PER_TON).toString().padStart(9, '0').replace(/0+$/, '');
  return `${sign}${abs / NANO_PER_TON}${frac ? '.' + frac : ''}`;
}

/** What a transfer of `nano` buys at the broker's rate, rounded down as a preview (the broker decides). */
export const creditsForNanoton = (nano: bigint, microCreditsPerTon: bigint): bigint => (nano * microCreditsPerTon) / NANO_PER_TON;
