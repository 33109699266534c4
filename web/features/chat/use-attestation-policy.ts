import { useQuery } from '@tanstack/react-query';
import { AttestationPolicyResponseSchema } from '@cocoon/shared/protocol/api';
import { api } from '../../api/http';
import { queryKeys } from '../../api/queries';
import type { AppliedPolicy } from '../../crypto/api';
import { cryptoWorker } from '../../crypto/client';

/** A rotated or renewed policy reaches running apps within this long. */
const POLICY_REFRESH_MS = 10 * 60_000;
/** The newest policy sequence this device has accepted: a broker serving an older one is refused. */
const SEQUENCE_KEY = 'cocoon.policySequence';

function storedSequence(): number {
  try {
    const n = Number(localStorage.getItem(SEQUENCE_KEY) ?? '0');
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}

function storeSequence(sequence: number | null): void {
  if (sequence === null || sequence <= storedSequence()) return;
  try {
    localStorage.setItem(SEQUENCE_KEY, String(sequence));
  } catch {
    // Storage unavailable: the worker still remembers it for this session.
  }
}

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
      const applied = await cryptoWorker().setPolicy(signedPolicy, storedSequence());
      if (!applied.ok) throw new Error(`the crypto worker refused the policy: ${applied.error.code}`);
      storeSequence(applied.value.sequence);
      return applied.value;
    },
    staleTime: POLICY_REFRESH_MS,
    refetchInterval: POLICY_REFRESH_MS,
  });
}
