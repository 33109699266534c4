import { useQuery } from '@tanstack/react-query';
import { AttestationPolicyResponseSchema } from '@cocoon/shared/protocol/api';
import { api } from '../../api/http';
import { queryKeys } from '../../api/queries';
import type { AppliedPolicy } from '../../crypto/api';
import { cryptoWorker } from '../../crypto/client';

/** A rotated or renewed policy reaches running apps within this long. */
const POLICY_REFRESH_MS = 10 * 60_000;

/**
 * The operator's signed attestation policy (ARCHITECTURE.md, "The confidential path", step 4):
 * fetched from the broker and handed to the crypto worker, which verifies it against the keys
 * pinned in this build; the broker is not trusted with it. Hosts are verified only after this.
 */
export function useAttestationPolicy() {
  return useQuery({
    queryKey: queryKeys.attestationPolicy,
    queryFn: async ({ signal }): Promise<AppliedPolicy> => {
      const { signedPolicy } = await api('/api/attestation/policy', AttestationPolicyResponseSchema, { signal });
      const applied = await cryptoWorker().setPolicy(signedPolicy);
      if (!applied.ok) throw new Error(`the crypto worker refused the policy: ${applied.error.code}`);
      return applied.value;
    },
    staleTime: POLICY_REFRESH_MS,
    refetchInterval: POLICY_REFRESH_MS,
  });
}
