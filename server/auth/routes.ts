import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { CocoonError } from '../../shared/errors';
import { DevInitDataResponseSchema, MeResponseSchema, SessionRequestSchema, SessionResponseSchema } from '../../shared/protocol/api';
import type { Services } from '../services';
import { signInitData, validateInitData } from './init-data';
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
  /** Exchanges Telegram initData for a session token; creates the user on first sight. */
  app.post('/api/session', async (req) => {
    const s = services();
    const { initData } = SessionRequestSchema.parse(req.body);
    const who = validateInitData(initData, { botToken: s.config.BOT_TOKEN, maxAgeS: s.config.INIT_DATA_MAX_AGE_S });
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

  app.get('/api/me', async (req) => {
    const s = services();
    const user = await s.sessions.authenticate(bearerToken(req));
    const funds = await s.ledger.userFunds(user.id);
    return { user: wireUser(user), balance: String(funds.balance), held: String(funds.held) } satisfies z.input<typeof MeResponseSchema>;
  });
}

/** The demo user the Mini App's mocked Telegram signs in as in development. */
const DEMO_USER = { id: 100_000_001, first_name: 'Demo', username: 'demo_user', language_code: 'en' };

/** DEV_MODE only: a freshly signed initData, as Telegram would hand the Mini App. */
export function registerDevRoutes(app: FastifyInstance, services: () => Services): void {
  app.get('/api/dev/init-data', async () => {
    const s = services();
    const fields = { auth_date: String(Math.floor(Date.now() / 1000)), query_id: 'dev', user: JSON.stringify(DEMO_USER) };
    const body: z.input<typeof DevInitDataResponseSchema> = { initData: signInitData(fields, s.config.BOT_TOKEN) };
    return body;
  });
}
