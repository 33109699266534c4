/**
 * Reconnect delay: exponential from `baseMs`, capped at `maxMs`, with "full jitter" so that
 * clients dropped together by a broker restart do not come back in lockstep.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, baseMs = 500, maxMs = 15_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
