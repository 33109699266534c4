import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { appContentSecurityPolicy, TELEGRAM_FRAME_ANCESTORS, tonConnectOrigins, withSocketOrigin } from '@cocoon/shared/content-security-policy';
import { CocoonError } from '@cocoon/shared/errors';
import type { ServerConfig } from '../config';

/** One year: the usual HSTS lifetime. Subdomains are the operator's to decide, so not included. */
const HSTS = 'max-age=31536000';

/**
 * The TonConnect origins of the wallets list the served Mini App ships (`tonconnect-wallets.json`
 * in WEB_DIST, written by the build), so the policy follows the build it serves.
 */
function servedWalletOrigins(webDist: string | undefined): { bridges: string[]; images: string[] } {
  const file = webDist ? join(webDist, 'tonconnect-wallets.json') : undefined;
  if (!file || !existsSync(file)) return { bridges: [], images: [] };
  try {
    return tonConnectOrigins(JSON.parse(readFileSync(file, 'utf8')));
  } catch (cause) {
    throw new CocoonError('config.invalid', `WEB_DIST: ${file} is not a TonConnect wallets list`, { cause });
  }
}

/**
 * The headers every broker response carries (README.md, "Security headers"): a CSP without inline
 * script whose connect-src is this origin, its WebSocket twin and the served build's TonConnect
 * bridges; framing by Telegram's web clients only (frame-ancestors, never X-Frame-Options, which
 * would break Telegram Web); nosniff; no referrer; HSTS when PUBLIC_URL is https.
 */
export function securityHeaders(config: Pick<ServerConfig, 'PUBLIC_URL' | 'WEB_DIST'>): Record<string, string> {
  const wallets = servedWalletOrigins(config.WEB_DIST);
  const self = config.PUBLIC_URL ? withSocketOrigin(config.PUBLIC_URL) : [];
  const headers: Record<string, string> = {
    'content-security-policy': appContentSecurityPolicy({ connect: [...self, ...wallets.bridges], images: wallets.images, frameAncestors: TELEGRAM_FRAME_ANCESTORS }),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  if (config.PUBLIC_URL?.startsWith('https:')) headers['strict-transport-security'] = HSTS;
  return headers;
}

/** Adds `headers` to every response: routes, static files, 404s and errors alike. */
export function installSecurityHeaders(app: FastifyInstance, headers: Record<string, string>): void {
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.headers(headers);
    return payload;
  });
}
