import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import { MeResponseSchema, SessionRequestSchema, SessionResponseSchema } from '@cocoon/shared/protocol/api';
import type { Services } from '../services';
import { validateInitData } from './init-data';
import { authenticateToken } from './principal';
import type { UserRow } from './sessions';
import { upsertTelegramUser } from './users';

const wireUser = (u: UserRow) => ({ id: u.id, firstName: u.firstName, ...(u.username ? { username: u.username } : {}) });

/** The session token from `Authorization: Bearer …`. */
export function bearerToken(req: FastifyRequest): string {
  const match = /^Bearer ([A-Za-z0-9_-]{16,512})$/.exec(req.headers.authorization ?? '');
  if (!match) throw new CocoonError('auth.session_invalid', 'missing or malformed bearer token');
  return match[1]!;
}

export function registerAuthRoutes(app: FastifyInstance, services: () => Services): void {
  /** Exchanges Telegram initData for a session token; creates the user on first sight. Limited per address, per user and per hour (server/limits). */
  app.post('/api/session', async (req) => {
    const s = services();
    const { initData } = SessionRequestSchema.parse(req.body);
    const who = validateInitData(initData, { botToken: s.config.BOT_TOKEN, maxAgeS: s.config.INIT_DATA_MAX_AGE_S });
    s.limits.user('session', `tg:${who.telegramId}`);
    const user = await upsertTelegramUser(s.database.db, s.ledger, who, s.config.STARTER_CREDITS);
    const session = await s.sessions.issue(user.id);
    const { balance } = await s.ledger.userFunds(user.id);
    return {
      token: session.token,
      expiresAt: Math.floor(session.expiresAt.getTime() / 1000),
      user: wireUser(user),
      balance: String(balance),
    } satisfies z.input<typeof SessionResponseSchema>;
  });

  /** The balance: with the session, or with an API key (the key's owner). */
  app.get('/api/me', async (req) => {
    const s = services();
    const { user } = await authenticateToken(s, bearerToken(req));
    const funds = await s.ledger.userFunds(user.id);
    return { user: wireUser(user), balance: String(funds.balance), held: String(funds.held) } satisfies z.input<typeof MeResponseSchema>;
  });
}
