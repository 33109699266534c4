import { describe, expect, it } from 'vitest';
import { CocoonError, isCocoonError } from '@cocoon/shared/errors';
import { addressKey, RateLimiter } from './rate-limiter';

function refusal(f: () => void): CocoonError {
  try {
    f();
  } catch (e) {
    if (isCocoonError(e, 'rate_limited')) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('RateLimiter', () => {
  it('allows max hits per window and key, then refuses until the window ends', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter({ max: 3, windowMs: 60_000, what: 'requests', now: () => now });
    for (let i = 0; i < 3; i++) limiter.hit('a');
    const e = refusal(() => limiter.hit('a'));
    expect(e.toWire()).toEqual({ code: 'rate_limited', message: 'too many requests: at most 3 per 60 s', retryAfterS: 60 });
    limiter.hit('b'); // another key has its own window
    now += 45_500;
    expect(refusal(() => limiter.hit('a')).retryAfterS).toBe(15);
    now += 14_500;
    limiter.hit('a');
  });

  it('forgets the least recently hit key beyond maxKeys, so a flood of addresses stays bounded', () => {
    const limiter = new RateLimiter({ max: 1, windowMs: 60_000, what: 'requests', maxKeys: 3 });
    limiter.hit('old');
    for (const k of ['k1', 'k2', 'k3']) limiter.hit(k);
    expect(limiter.size).toBe(3);
    limiter.hit('old'); // forgotten: a fresh window
    refusal(() => limiter.hit('k3'));
  });
});

describe('addressKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::198.51.100.1', '64:ff9b:0:0::/64'],
  ])('%s counts as %s', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });
});
