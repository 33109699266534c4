import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services';

/** Liveness with a database round trip: 200 `{ ok: true }`, or 503 `{ ok: false }`. */
export function registerHealth(app: FastifyInstance, services: () => Services): void {
  app.get('/healthz', async (req, reply) => {
    try {
      await services().database.db.execute(sql`select 1`);
      return { ok: true };
    } catch (err) {
      req.log.error({ err }, 'health check failed');
      return reply.status(503).send({ ok: false });
    }
  });
}
