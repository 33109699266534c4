import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { DevInitDataResponseSchema } from '@cocoon/shared/protocol/api';
import { signInitData } from '@cocoon/server/auth/init-data';
import type { Services } from '@cocoon/server/services';

/** The demo user the Mini App's mocked Telegram signs in as in development. */
export const DEMO_USER = { id: 100_000_001, first_name: 'Demo', username: 'demo_user', language_code: 'en' };

/** DEV_MODE only: a freshly signed initData, as Telegram would hand the Mini App. */
export function registerInitDataDevRoutes(app: FastifyInstance, services: () => Services): void {
  app.get('/api/dev/init-data', async () => {
    const s = services();
    const fields = { auth_date: String(Math.floor(Date.now() / 1000)), query_id: 'dev', user: JSON.stringify(DEMO_USER) };
    const body: z.input<typeof DevInitDataResponseSchema> = { initData: signInitData(fields, s.config.BOT_TOKEN) };
    return body;
  });
}
