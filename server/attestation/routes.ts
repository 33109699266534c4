import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { AttestationPolicyResponseSchema } from '@cocoon/shared/protocol/api';
import type { Services } from '../services';

export function registerAttestationRoutes(app: FastifyInstance, services: () => Services): void {
  /**
   * The operator's signed policy, for clients to verify against the keys pinned in their build and
   * then verify hosts under. Public: it holds measurements and a signature, nothing secret.
   */
  app.get('/api/attestation/policy', async (_req, reply) => {
    reply.header('cache-control', 'no-cache');
    return { signedPolicy: services().signedAttestationPolicy } satisfies z.input<typeof AttestationPolicyResponseSchema>;
  });
}
