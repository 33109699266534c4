import { useQuery } from '@tanstack/react-query';
import { isCocoonError } from '@cocoon/shared/errors';
import { HostBundleResponseSchema, HostsResponseSchema } from '@cocoon/shared/protocol/api';
import type { z } from 'zod';
import { queryKeys } from '../../api/queries';
import { useSession } from '../../api/session';
import type { HostVerification } from '../../crypto/api';
import { cryptoWorker } from '../../crypto/client';
import { assessHost } from './host-assessment';
import { useAttestationPolicy } from './use-attestation-policy';

export interface HostChoice {
  hostId: string;
  coefficientMilli: bigint;
  verification: HostVerification;
}

/** A host as GET /api/hosts lists it (best first), before its bundle is fetched. */
export type ListedHost = z.output<typeof HostsResponseSchema>['hosts'][number];

/**
 * `none`: no host online; `rejected`: hosts exist but none passed attestation (the first is shown).
 * `alternates`: the hosts listed after the verified one, where a message goes if it fails before
 * its first token (web/features/chat/failover.ts); verified only then.
 */
export type HostState = { state: 'verified'; host: HostChoice; alternates: ListedHost[] } | { state: 'rejected'; host: HostChoice } | { state: 'none' };

/**
 * Picks the host for a model: the broker's best-first list (slim), then each host's bundle fetched
 * and verified in the crypto worker under the operator's policy, in order, until one passes every
 * check. Waits for the policy; verifies again when it is refreshed and before the chosen
 * attestation expires (the bundle route's ETag lets the browser revalidate instead of downloading).
 */
export function useVerifiedHost(model: string | null) {
  const { get } = useSession();
  const policy = useAttestationPolicy();
  return useQuery({
    queryKey: [...queryKeys.host(model), policy.dataUpdatedAt],
    enabled: model !== null && policy.isSuccess,
    // While a refreshed policy is applied, the same model's last answer stays on screen.
    placeholderData: (previous: HostState | undefined, previousQuery) => (previousQuery?.queryKey[1] === model ? previous : undefined),
    queryFn: async ({ signal }): Promise<HostState> => {
      const path = `/api/hosts?model=${encodeURIComponent(model ?? '')}`;
      const { hosts } = await get(path, HostsResponseSchema, signal);
      let first: HostChoice | undefined;
      for (const [i, listed] of hosts.entries()) {
        const host = await verifyListedHost(get, listed, model ?? '', signal);
        if (!host) continue; // gone offline since it was listed
        if (host.verification.verified) return { state: 'verified', host, alternates: hosts.slice(i + 1) };
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

type Get = ReturnType<typeof useSession>['get'];

/**
 * Fetches a listed host's bundle and verifies it in the crypto worker under the operator's policy,
 * with the checks only the caller can make (the claims name this host and serve `model`).
 * Null when the host is no longer online.
 */
export async function verifyListedHost(get: Get, listed: ListedHost, model: string, signal?: AbortSignal): Promise<HostChoice | null> {
  const bundle = await hostBundle(get, listed.hostId, signal);
  if (!bundle) return null;
  const result = await cryptoWorker().verifyHost(bundle);
  return { hostId: listed.hostId, coefficientMilli: BigInt(listed.priceCoefficientMilli), verification: assessHost({ ...listed, bundle }, model, result) };
}

/** GET /api/hosts/:hostId/bundle; null when the host is no longer online. */
async function hostBundle(get: Get, hostId: string, signal?: AbortSignal) {
  try {
    return (await get(`/api/hosts/${encodeURIComponent(hostId)}/bundle`, HostBundleResponseSchema, signal)).bundle;
  } catch (e) {
    if (isCocoonError(e, 'host.not_found')) return null;
    throw e;
  }
}
