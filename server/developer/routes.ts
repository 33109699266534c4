import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import {
  ApiKeyParamsSchema,
  CreateApiKeyRequestSchema,
  GenerationParamsSchema,
  UpdateApiKeyLimitsRequestSchema,
  UsageExportRequestSchema,
  UsageQuerySchema,
  type ApiKeyResponseSchema,
  type ApiKeysResponseSchema,
  type CreateApiKeyResponseSchema,
  type GenerationResponseSchema,
  type UsageExportResponseSchema,
  type UsageResponseSchema,
} from '@cocoon/shared/protocol/developer';
import { authenticateToken, type Principal } from '../auth/principal';
import { bearerToken } from '../auth/routes';
import type { Services } from '../services';
import type { ApiKeyRow } from './api-keys';
import { exportLinkSecret, signExportLink, SignedExportQuerySchema, verifyExportLink } from './export-link';
import { generation } from './generation';
import type { UsageFilter } from './usage';
import { listUsage } from './usage';
import { usageCsv, usageCsvFileName } from './usage-csv';
import { keyToWire } from './wire';

/**
 * The developer API (shared/protocol/developer.ts). Keys are managed with the Telegram session
 * only, so a leaked key can neither mint keys nor lift its own limits. Usage and the cost of one
 * request answer the session (all of the user's keys) and a key (its own requests only).
 */
export function registerDeveloperRoutes(app: FastifyInstance, services: () => Services): void {
  let secret: Buffer | undefined;
  const linkSecret = (s: Services) => (secret ??= exportLinkSecret(s.config.BOT_TOKEN));
  const sessionUser = (s: Services, req: FastifyRequest) => s.sessions.authenticate(bearerToken(req));
  const withSpending = async (s: Services, row: ApiKeyRow) => {
    const { spending } = await s.apiKeys.withSpending(row);
    return keyToWire(row, spending);
  };

  app.get('/api/developer/keys', async (req) => {
    const s = services();
    const user = await sessionUser(s, req);
    const keys = await s.apiKeys.list(user.id);
    return { keys: keys.map((k) => keyToWire(k.row, k.spending)) } satisfies z.input<typeof ApiKeysResponseSchema>;
  });

  /** The one answer with the key in clear; it is never logged (responses are not) nor stored. */
  app.post('/api/developer/keys', async (req) => {
    const s = services();
    const user = await sessionUser(s, req);
    s.limits.user('api-key-create', user.id);
    const { name, limits } = CreateApiKeyRequestSchema.parse(req.body);
    const { row, secret: key } = await s.apiKeys.create(user.id, name, limits);
    req.log.info({ apiKeyId: row.id }, 'api key created');
    return { key: await withSpending(s, row), secret: key } satisfies z.input<typeof CreateApiKeyResponseSchema>;
  });

  app.post('/api/developer/keys/:keyId/revoke', async (req) => {
    const s = services();
    const user = await sessionUser(s, req);
    const { keyId } = ApiKeyParamsSchema.parse(req.params);
    const row = await s.apiKeys.revoke(user.id, keyId);
    req.log.info({ apiKeyId: row.id }, 'api key revoked');
    return { key: await withSpending(s, row) } satisfies z.input<typeof ApiKeyResponseSchema>;
  });

  app.post('/api/developer/keys/:keyId/limits', async (req) => {
    const s = services();
    const user = await sessionUser(s, req);
    const { keyId } = ApiKeyParamsSchema.parse(req.params);
    const { limits } = UpdateApiKeyLimitsRequestSchema.parse(req.body);
    return { key: await withSpending(s, await s.apiKeys.setLimits(user.id, keyId, limits)) } satisfies z.input<typeof ApiKeyResponseSchema>;
  });

  /** Whose usage a principal may read: a key only its own; the session any of the user's keys. */
  const usageFilter = async (s: Services, who: Pick<Principal, 'user' | 'apiKey'>, q: { key?: string | undefined; day?: string | undefined }): Promise<UsageFilter> => {
    if (who.apiKey && q.key !== undefined && q.key !== who.apiKey.id) throw new CocoonError('apikey.not_found', 'no such key');
    if (!who.apiKey && q.key !== undefined) await s.apiKeys.get(who.user.id, q.key);
    return { userId: who.user.id, keyId: who.apiKey?.id ?? q.key, day: q.day };
  };

  app.get('/api/developer/usage', async (req) => {
    const s = services();
    const who = await authenticateToken(s, bearerToken(req));
    const q = UsageQuerySchema.parse(req.query);
    const page = await listUsage(s.database.db, await usageFilter(s, who, q), { cursor: q.cursor, limit: q.limit });
    return page satisfies z.input<typeof UsageResponseSchema>;
  });

  /** With a bearer (session or key), or with a signed link from POST /api/developer/usage/export. */
  app.get('/api/developer/usage.csv', async (req, reply) => {
    const s = services();
    const signed = SignedExportQuerySchema.safeParse(req.query);
    let filter: UsageFilter;
    if (signed.success && req.headers.authorization === undefined) {
      filter = verifyExportLink(linkSecret(s), signed.data);
    } else {
      const who = await authenticateToken(s, bearerToken(req));
      filter = await usageFilter(s, who, UsageQuerySchema.parse(req.query));
    }
    s.limits.user('usage-csv', filter.userId); // each one reads every matching row
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${usageCsvFileName(filter)}"`)
      .header('cache-control', 'no-store');
    return reply.send(Readable.from(usageCsv(s.database.db, filter)));
  });

  app.post('/api/developer/usage/export', async (req) => {
    const s = services();
    const user = await sessionUser(s, req);
    s.limits.user('usage-export', user.id);
    const q = UsageExportRequestSchema.parse(req.body ?? {});
    const filter = await usageFilter(s, { user, apiKey: null }, q);
    const { url, expiresAt } = signExportLink(linkSecret(s), filter);
    return { url, fileName: usageCsvFileName(filter), expiresAt: expiresAt.toISOString() } satisfies z.input<typeof UsageExportResponseSchema>;
  });

  app.get('/api/developer/generation/:jobId', async (req) => {
    const s = services();
    const who = await authenticateToken(s, bearerToken(req));
    const { jobId } = GenerationParamsSchema.parse(req.params);
    return (await generation(s.database.db, { userId: who.user.id, apiKeyId: who.apiKey?.id ?? null }, jobId)) satisfies z.input<typeof GenerationResponseSchema>;
  });
}
