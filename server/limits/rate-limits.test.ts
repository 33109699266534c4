import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installRateLimits, RateLimits } from './rate-limits';

const limits = new RateLimits({ RATE_LIMIT_WINDOW_S: 60, RATE_LIMIT_PER_IP: 1, RATE_LIMIT_PER_USER: 1, RATE_LIMIT_JOBS_PER_USER: 1 });

describe('installRateLimits', () => {
  it('refuses to start when a limited route was never registered, so a renamed route cannot lose its limit', async () => {
    const app = Fastify();
    installRateLimits(app, () => limits);
    app.post('/api/session', async () => ({}));
    await expect(app.ready()).rejects.toThrow(/rate-limited routes not registered: GET \/api\/ton\/proof-payload/);
  });

  it('keeps separate counters per scope, user and kind', () => {
    const l = new RateLimits({ RATE_LIMIT_WINDOW_S: 60, RATE_LIMIT_PER_IP: 1, RATE_LIMIT_PER_USER: 1, RATE_LIMIT_JOBS_PER_USER: 1 });
    l.address('session', '192.0.2.1');
    l.address('ton-connect', '192.0.2.1');
    l.user('session', 'u1');
    l.user('session', 'u2');
    l.job('u1');
    expect(() => l.address('session', '192.0.2.1')).toThrow(/requests from this address/);
    expect(() => l.user('session', 'u1')).toThrow(/requests for this user/);
    expect(() => l.job('u1')).toThrow(/jobs for this user/);
  });
});
