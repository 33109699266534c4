import type { z } from 'zod';
import type { HostsQuerySchema } from '@cocoon/shared/protocol/api';
import type { OnlineHost } from '../hosts/registry';
import type { Services } from '../services';
import { eligible, rankHosts, type ScheduleRequest } from './scheduler';

/**
 * A sealed request's ciphertext size assumed when the client does not say (`requestBytes`): a
 * short chat. A longer request may then be refused by a listed host with `job.price_above_limit`
 * (the relay checks the real size), and the client fails over; it never lets a job exceed its cap.
 */
export const ESTIMATED_REQUEST_BYTES = 1024;
/** Without `maxTokens` the cap excludes only hosts where even a one-token answer cannot fit (clients fit `maxTokens` to the host: shared/pricing.ts maxTokensWithin). */
const MIN_TOKENS = 1;

/** The broker's side of GET /api/hosts: the registry's hosts (local and remote), their cached reliability, the scheduler. */
export async function scheduleHosts(s: Pick<Services, 'registry' | 'prices' | 'reliability'>, query: z.output<typeof HostsQuerySchema>): Promise<OnlineHost[]> {
  const request: ScheduleRequest = {
    model: query.model,
    ...(query.maxCharge !== undefined && {
      cap: {
        maxCharge: BigInt(query.maxCharge),
        price: s.prices.priceOf(query.model),
        maxTokens: query.maxTokens ?? MIN_TOKENS,
        requestBytes: query.requestBytes ?? ESTIMATED_REQUEST_BYTES,
      },
    }),
  };
  const hosts = s.registry.all();
  const reliability = await s.reliability.scores(hosts.filter((h) => eligible(h, { model: query.model })).map((h) => h.hostId));
  return rankHosts(hosts, reliability, request, Math.random);
}
