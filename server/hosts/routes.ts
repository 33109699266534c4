import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { priceToWire } from '@cocoon/shared/pricing';
import { HostsQuerySchema, type HostsResponseSchema, type ModelsResponseSchema } from '@cocoon/shared/protocol/api';
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

  /** Online hosts serving a model, best first, with the bundles clients verify and seal to. */
  app.get('/api/hosts', async (req) => {
    const s = services();
    const { model } = HostsQuerySchema.parse(req.query);
    const hosts = s.registry.serving(model).map((h) => ({ hostId: h.hostId, bundle: h.bundle, priceCoefficientMilli: h.priceCoefficientMilli }));
    return { hosts } satisfies z.input<typeof HostsResponseSchema>;
  });
}
