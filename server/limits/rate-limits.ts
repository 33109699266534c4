import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CocoonError } from '@cocoon/shared/errors';
import type { ServerConfig } from '../config';
import { addressKey, RateLimiter } from './rate-limiter';

/**
 * The routes that write or call out, each limited per client address in `onRequest`, before the
 * body is parsed or anything is looked up. The scope names the route's own counter. Handlers add
 * a per-user limit once they know the user (`RateLimits.user`). The dev routes are not limited;
 * the Telegram webhook is not either: it is refused without its secret before anything is written,
 * and Telegram's deliveries must not be dropped.
 */
const LIMITED_ROUTES: Readonly<Record<string, string>> = {
  'POST /api/session': 'session',
  'GET /api/ton/proof-payload': 'ton-proof-payload',
  'POST /api/ton/connect': 'ton-connect',
  'POST /api/payments/stars/invoice': 'stars-invoice',
  'GET /api/hosts/:hostId/bundle': 'host-bundle',
  'GET /api/ws': 'client-socket',
  'GET /api/host': 'host-socket',
  'POST /api/developer/keys': 'developer-keys',
  'POST /api/developer/keys/:keyId/limits': 'developer-keys',
  'POST /api/developer/keys/:keyId/revoke': 'developer-keys',
  'GET /api/developer/usage.csv': 'developer-export',
  'POST /api/developer/usage/export': 'developer-export',
  // Owners (issue 11): each writes a row or calls the chain.
  'POST /api/owner/enrollments': 'owner-enrollments',
  'POST /api/owner/payout-wallet': 'ton-connect',
  'POST /api/owner/payouts': 'owner-payouts',
};

/** The broker's request limits (README, "Limits"), built from the config. */
export class RateLimits {
  private readonly byAddress: RateLimiter;
  private readonly byUser: RateLimiter;
  private readonly jobs: RateLimiter;

  constructor(config: Pick<ServerConfig, 'RATE_LIMIT_WINDOW_S' | 'RATE_LIMIT_PER_IP' | 'RATE_LIMIT_PER_USER' | 'RATE_LIMIT_JOBS_PER_USER'>, now?: () => number) {
    const windowMs = config.RATE_LIMIT_WINDOW_S * 1000;
    this.byAddress = new RateLimiter({ max: config.RATE_LIMIT_PER_IP, windowMs, what: 'requests from this address', now });
    this.byUser = new RateLimiter({ max: config.RATE_LIMIT_PER_USER, windowMs, what: 'requests for this user', now });
    this.jobs = new RateLimiter({ max: config.RATE_LIMIT_JOBS_PER_USER, windowMs, what: 'jobs for this user', now });
  }

  /** @throws CocoonError('rate_limited') */
  address(scope: string, ip: string): void {
    this.byAddress.hit(`${scope}:${addressKey(ip)}`);
  }

  /** @throws CocoonError('rate_limited') */
  user(scope: string, userKey: string): void {
    this.byUser.hit(`${scope}:${userKey}`);
  }

  /** One `job.create`, over all of the user's sockets. @throws CocoonError('rate_limited') */
  job(userId: string): void {
    this.jobs.hit(userId);
  }
}

/**
 * Adds the per-address limit to each route of LIMITED_ROUTES registered after this call in `app`'s
 * scope, and fails startup if one of them was never registered (a renamed route would otherwise
 * silently lose its limit).
 */
export function installRateLimits(app: FastifyInstance, limits: () => RateLimits): void {
  const seen = new Set<string>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      const scope = LIMITED_ROUTES[`${method} ${route.url}`];
      if (!scope) continue;
      seen.add(`${method} ${route.url}`);
      const hook = async (req: FastifyRequest) => limits().address(scope, req.ip);
      route.onRequest = [...[route.onRequest ?? []].flat(), hook];
    }
  });
  app.addHook('onReady', async () => {
    const missing = Object.keys(LIMITED_ROUTES).filter((r) => !seen.has(r));
    if (missing.length > 0) throw new CocoonError('internal', `rate-limited routes not registered: ${missing.join(', ')}`);
  });
}
