import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import { priceToWire } from '@cocoon/shared/pricing';
import { HostBundleParamsSchema, HostsQuerySchema, type HostBundleResponseSchema, type HostsResponseSchema, type ModelsResponseSchema } from '@cocoon/shared/protocol/api';
import { scheduleHosts } from '../scheduler/schedule';
import type { Services } from '../services';

export function registerHostRoutes(app: FastifyInstance, services: () => Services): void {
  /** Models served by online hosts, with their price and host count. */
  app.get('/api/models', async () => {
    const s = services();
    const models = [...s.registry.models()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, hostCount]) => ({ name, hostCount, price: priceToWire(s.prices.priceOf(name)) }));
    return { models } satisfies z.input<typeof ModelsResponseSchema>;
  });

  /** Hosts for a model as the scheduler ranks them, best first; slim: no bundles (clients fetch the one they use). */
  app.get('/api/hosts', async (req) => {
    const s = services();
    const query = HostsQuerySchema.parse(req.query);
    const hosts = await scheduleHosts(s, query);
    return { hosts: hosts.map((h) => ({ hostId: h.hostId, priceCoefficientMilli: h.priceCoefficientMilli })) } satisfies z.input<typeof HostsResponseSchema>;
  });

  /**
   * One host's attestation bundle as the broker verified it (with the collateral it was verified
   * with), for the client to verify and seal to. Its digest is the ETag, so a client that has it
   * revalidates for a 304 instead of downloading the bundle (over a megabyte with TDX collateral) again.
   */
  app.get('/api/hosts/:hostId/bundle', async (req, reply) => {
    const s = services();
    const { hostId } = HostBundleParamsSchema.parse(req.params);
    const host = s.registry.get(hostId);
    if (!host) throw new CocoonError('host.not_found', 'no online host has this id');
    const etag = `"${host.bundleDigest}"`;
    void reply.header('etag', etag).header('cache-control', 'no-cache');
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return { hostId: host.hostId, bundle: host.bundle } satisfies z.input<typeof HostBundleResponseSchema>;
  });
}
