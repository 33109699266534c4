import { and, eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import type { EnrollmentResponse, EnrollmentStatus } from '@cocoon/shared/protocol/owner';
import { bearerToken } from '../auth/routes';
import { enrollmentTokens, owners } from '../db/schema';
import { mintEnrollmentToken } from '../hosts/enrollment-tokens';
import { checkHourlyQuota } from '../limits/hourly-quota';
import type { Services } from '../services';

const EnrollmentParamsSchema = z.object({ id: z.uuid() });

const tokenQuota = { table: enrollmentTokens, userId: enrollmentTokens.ownerId, createdAt: enrollmentTokens.createdAt, what: 'enrollment tokens' };

/**
 * The broker's public origin, which the owner's machine connects to: PUBLIC_URL when set (behind
 * a proxy the request's own address may be an internal one), else the origin the app reached.
 */
export function brokerOrigin(s: Services, req: FastifyRequest): string {
  return s.config.PUBLIC_URL ? new URL(s.config.PUBLIC_URL).origin : `${req.protocol}://${req.host}`;
}

/** The one command an owner runs on the machine (shown in the app with a QR code). */
export const enrollCommand = (token: string, origin: string): string => `npx cocoon-host enroll ${token} --broker ${origin}`;

/**
 * Add machine (shared/protocol/owner.ts): a one-time token bound to the owner, shown once, and
 * whether a machine has used it yet. Only owners with a proven payout wallet may enroll machines:
 * earnings need somewhere to go.
 */
export function registerEnrollmentRoutes(app: FastifyInstance, services: () => Services): void {
  app.post('/api/owner/enrollments', async (req) => {
    const s = services();
    const user = await s.sessions.authenticate(bearerToken(req));
    s.limits.user('owner-enrollment', user.id);
    const [owner] = await s.database.db.select({ userId: owners.userId }).from(owners).where(eq(owners.userId, user.id));
    if (!owner) throw new CocoonError('owner.no_payout_wallet', 'connect a payout wallet first: earnings need somewhere to go');
    await checkHourlyQuota(s.database.db, tokenQuota, user.id, s.config.ENROLL_TOKENS_PER_OWNER_PER_HOUR);
    const minted = await mintEnrollmentToken(s.database.db, user.id);
    req.log.info({ enrollmentId: minted.id }, 'enrollment token made');
    return {
      id: minted.id,
      token: minted.token,
      command: enrollCommand(minted.token, brokerOrigin(s, req)),
      expiresAt: minted.expiresAt.toISOString(),
    } satisfies EnrollmentResponse;
  });

  /** Polled by the app's "waiting for your machine…". Another owner's token is not found. */
  app.get('/api/owner/enrollments/:id', async (req) => {
    const s = services();
    const user = await s.sessions.authenticate(bearerToken(req));
    const { id } = EnrollmentParamsSchema.parse(req.params);
    const [row] = await s.database.db
      .select()
      .from(enrollmentTokens)
      .where(and(eq(enrollmentTokens.id, id), eq(enrollmentTokens.ownerId, user.id)));
    if (!row) throw new CocoonError('http.not_found', 'no such enrollment');
    const status = row.usedAt ? 'enrolled' : row.expiresAt.getTime() <= Date.now() ? 'expired' : 'waiting';
    return { id: row.id, status, hostId: row.hostId, expiresAt: row.expiresAt.toISOString() } satisfies EnrollmentStatus;
  });
}
