import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import { HostIdSchema } from '@cocoon/shared/protocol/attestation-bundle';
import { MachineUpdateRequestSchema, type MachinesResponseSchema } from '@cocoon/shared/protocol/owner';
import { bearerToken } from '../auth/routes';
import { hosts } from '../db/schema';
import type { Services } from '../services';
import { CloseCodes } from '../ws/json-socket';
import { listMachines, machinesOf, ownerHost, type WireMachine } from './machines';

const MachineParamsSchema = z.object({ id: HostIdSchema });

/**
 * The owner's Machines screen (shared/protocol/owner.ts): list, rename, set the price coefficient,
 * remove. Another owner's machine, or a removed one, is "not found", never "forbidden".
 */
export function registerMachineRoutes(app: FastifyInstance, services: () => Services): void {
  const owned = async (s: Services, ownerId: string, hostId: string) => {
    const row = await ownerHost(s.database.db, ownerId, hostId);
    if (!row) throw new CocoonError('host.not_found', 'you have no machine with this id');
    return row;
  };

  app.get('/api/owner/machines', async (req) => {
    const s = services();
    const user = await s.sessions.authenticate(bearerToken(req));
    return { machines: await listMachines(s.database.db, s.registry, user.id) } satisfies z.input<typeof MachinesResponseSchema>;
  });

  /** A new coefficient prices the machine's next job: the live entry and the agent (host.settings) take it now. */
  app.patch('/api/owner/machines/:id', async (req) => {
    const s = services();
    const user = await s.sessions.authenticate(bearerToken(req));
    s.limits.user('owner-machine', user.id);
    const { id } = MachineParamsSchema.parse(req.params);
    const update = MachineUpdateRequestSchema.parse(req.body);
    await owned(s, user.id, id);
    const [row] = await s.database.db.update(hosts).set(update).where(eq(hosts.id, id)).returning();
    if (!row) throw new CocoonError('host.not_found', 'you have no machine with this id');
    const live = s.registry.get(id);
    if (live && update.priceCoefficientMilli !== undefined && live.priceCoefficientMilli !== update.priceCoefficientMilli) {
      live.priceCoefficientMilli = update.priceCoefficientMilli;
      live.link.send({ type: 'host.settings', priceCoefficientMilli: update.priceCoefficientMilli });
    }
    req.log.info({ hostId: id, priceCoefficientMilli: update.priceCoefficientMilli, renamed: update.name !== undefined }, 'machine updated');
    const [machine] = await machinesOf(s.database.db, s.registry, [row]);
    return { machine } satisfies { machine: WireMachine | undefined };
  });

  /** Removed: it can no longer connect (until its owner enrolls it again); its history and earnings stay. */
  app.delete('/api/owner/machines/:id', async (req) => {
    const s = services();
    const user = await s.sessions.authenticate(bearerToken(req));
    s.limits.user('owner-machine', user.id);
    const { id } = MachineParamsSchema.parse(req.params);
    await owned(s, user.id, id);
    await s.database.db.update(hosts).set({ removedAt: new Date() }).where(eq(hosts.id, id));
    const live = s.registry.get(id);
    if (live) {
      live.link.send({ type: 'error', error: new CocoonError('host.removed', 'the owner removed this machine').toWire() });
      live.link.close(CloseCodes.policy, 'host.removed');
    }
    req.log.info({ hostId: id }, 'machine removed');
    return { removed: id };
  });
}
