import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../services';

/**
 * The public routes a developer's proxy calls before it opens a job (models, hosts and their
 * bundles, the attestation policy). They need no credentials, but one that presents an API key
 * has it checked, so a proxy with a revoked or mistyped key hears `apikey.revoked` /
 * `apikey.invalid` (401) at its first call, and the key's `lastUsedAt` moves.
 */
const KEY_CHECKED_ROUTES = new Set(['GET /api/models', 'GET /api/hosts', 'GET /api/hosts/:hostId/bundle', 'GET /api/attestation/policy']);

const presentedKey = (req: FastifyRequest): string | undefined => /^Bearer (sk-cocoon-\S*)$/.exec(req.headers.authorization ?? '')?.[1];

/** Adds the check to each of KEY_CHECKED_ROUTES registered after this call in `app`'s scope. */
export function installApiKeyCheck(app: FastifyInstance, services: () => Services): void {
  app.addHook('onRoute', (route) => {
    if (![route.method].flat().some((m) => KEY_CHECKED_ROUTES.has(`${m} ${route.url}`))) return;
    const hook = async (req: FastifyRequest) => {
      const key = presentedKey(req);
      if (key !== undefined) await services().apiKeys.authenticate(key);
    };
    route.onRequest = [...[route.onRequest ?? []].flat(), hook];
  });
}
