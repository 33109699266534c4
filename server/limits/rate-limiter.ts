import { isIP } from 'node:net';
import { CocoonError } from '@cocoon/shared/errors';

export interface RateLimiterOptions {
  /** Hits allowed per key in one window. */
  max: number;
  windowMs: number;
  /** What is counted, for the error message: "requests from this address". */
  what: string;
  /** Keys remembered at most; the least recently hit is forgotten first (bounded memory under a flood of addresses). */
  maxKeys?: number;
  now?: () => number;
}

const DEFAULT_MAX_KEYS = 100_000;

/**
 * Fixed-window counters in memory, one window per key starting at its first hit (the scheme of
 * `@fastify/rate-limit`'s local store). Used for HTTP routes, per address and per user, and for
 * WebSocket messages, so every limit of this broker instance answers the same way.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly now: () => number;

  constructor(private readonly opts: RateLimiterOptions) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * Counts one hit for `key`.
   * @throws CocoonError('rate_limited') with `retryAfterS` (until the window ends) once `max` is passed.
   */
  hit(key: string): void {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.opts.windowMs) w = { start: now, count: 0 };
    // Re-inserted so the Map's order is least recently hit first.
    this.windows.delete(key);
    this.windows.set(key, w);
    if (this.windows.size > (this.opts.maxKeys ?? DEFAULT_MAX_KEYS)) this.windows.delete(this.windows.keys().next().value!);
    w.count++;
    if (w.count <= this.opts.max) return;
    const retryAfterS = Math.max(1, Math.ceil((w.start + this.opts.windowMs - now) / 1000));
    throw new CocoonError('rate_limited', `too many ${this.opts.what}: at most ${this.opts.max} per ${Math.ceil(this.opts.windowMs / 1000)} s`, { retryAfterS });
  }

  get size(): number {
    return this.windows.size;
  }
}

/**
 * The key a client address is counted under: IPv4 as is (also when IPv4-mapped), IPv6 by its /64,
 * the smallest block one subscriber usually holds, so rotating through it gains nothing.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  const bare = ip.split('%')[0]!;
  if (isIP(bare) !== 6) return ip;
  const [head = '', tail] = bare.split('::');
  // An embedded IPv4 tail is two groups; its value never reaches the /64.
  const groups = (s: string) => (s === '' ? [] : s.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const full = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return `${full.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}
