import { useQuery } from '@tanstack/react-query';
import { HostsResponseSchema } from '../../../shared/protocol/api';
import { queryKeys } from '../../api/queries';
import { useSession } from '../../api/session';
import type { HostVerification } from '../../crypto/api';
import { cryptoWorker } from '../../crypto/client';
import { ALLOW_SIMULATED_TEE } from '../../config';
import { assessHost } from './host-assessment';

export interface HostChoice {
  hostId: string;
  coefficientMilli: bigint;
  verification: HostVerification;
}

/** `none`: no host online; `rejected`: hosts exist but none passed attestation (the first is shown). */
export type HostState = { state: 'verified'; host: HostChoice } | { state: 'rejected'; host: HostChoice } | { state: 'none' };

const policy = { allowSimulated: ALLOW_SIMULATED_TEE };

/**
 * Picks the host for a model: the broker's best-first list, each bundle verified in the crypto
 * worker, the first that passes every check. Refreshed before the chosen attestation expires.
 */
export function useVerifiedHost(model: string | null) {
  const { get } = useSession();
  return useQuery({
    queryKey: queryKeys.host(model),
    enabled: model !== null,
    queryFn: async ({ signal }): Promise<HostState> => {
      const path = `/api/hosts?model=${encodeURIComponent(model ?? '')}`;
      const { hosts } = await get(path, HostsResponseSchema, signal);
      let first: HostChoice | undefined;
      for (const listing of hosts) {
        const result = await cryptoWorker().verifyHost(listing.bundle, policy);
        const host = { hostId: listing.hostId, coefficientMilli: BigInt(listing.priceCoefficientMilli), verification: assessHost(listing, model ?? '', result) };
        if (host.verification.verified) return { state: 'verified', host };
        first ??= host;
      }
      return first ? { state: 'rejected', host: first } : { state: 'none' };
    },
    staleTime: 30_000,
    refetchInterval: (query) => {
      const data = query.state.data;
      const expiresAt = data && data.state !== 'none' ? data.host.verification.expiresAt : null;
      if (!expiresAt) return 30_000;
      return Math.max(5_000, Math.min(5 * 60_000, expiresAt * 1000 - Date.now() - 60_000));
    },
  });
}
