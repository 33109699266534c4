import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import {
  EarningsResponseSchema,
  EnrollmentResponseSchema,
  EnrollmentStatusSchema,
  MachinesResponseSchema,
  OwnerResponseSchema,
  PayoutQuoteSchema,
  PayoutsResponseSchema,
  type Payout,
} from '@cocoon/shared/protocol/owner';
import { useSession } from '../../api/session';
import { ENROLLMENT_POLL_MS, MACHINES_POLL_MS, PAYOUT_POLL_MS } from './owner-config';

export const ownerKeys = {
  all: ['owner'] as const,
  owner: ['owner', 'profile'] as const,
  machines: ['owner', 'machines'] as const,
  earnings: (days: number) => ['owner', 'earnings', days] as const,
  payouts: ['owner', 'payouts'] as const,
  quote: (amount: bigint) => ['owner', 'quote', amount.toString()] as const,
  enrollment: (id: string) => ['owner', 'enrollment', id] as const,
};

/**
 * What the broker answers to the owner's writes is not part of the contract (shared/protocol/owner.ts
 * names none for them): it is not read, and the screens refetch what the write changed.
 */
const Ignored = z.unknown();

/** GET /api/owner: the payout wallet (null until proven), totals and payout rules. */
export function useOwner() {
  const { get } = useSession();
  return useQuery({ queryKey: ownerKeys.owner, queryFn: ({ signal }) => get('/api/owner', OwnerResponseSchema, signal) });
}

/** GET /api/owner/machines, refreshed while the screen is open so status and active jobs stay live. */
export function useMachines(enabled: boolean) {
  const { get } = useSession();
  return useQuery({
    queryKey: ownerKeys.machines,
    queryFn: ({ signal }) => get('/api/owner/machines', MachinesResponseSchema, signal),
    enabled,
    refetchInterval: MACHINES_POLL_MS,
  });
}

/** GET /api/owner/earnings?days=7|30: one entry per UTC day, oldest first. */
export function useEarnings(days: 7 | 30, enabled: boolean) {
  const { get } = useSession();
  return useQuery({
    queryKey: ownerKeys.earnings(days),
    queryFn: ({ signal }) => get(`/api/owner/earnings?days=${days}`, EarningsResponseSchema, signal),
    enabled,
    placeholderData: keepPreviousData,
  });
}

/** Whether a payout is recorded or sent but not settled: its state will change. */
export const payoutOnItsWay = (payouts: readonly Payout[] | undefined): boolean => payouts?.some((p) => p.status === 'recorded' || p.status === 'sent') ?? false;

/** GET /api/owner/payouts, newest first; polled while one is on its way. */
export function usePayouts(enabled: boolean) {
  const { get } = useSession();
  return useQuery({
    queryKey: ownerKeys.payouts,
    queryFn: ({ signal }) => get('/api/owner/payouts', PayoutsResponseSchema, signal),
    enabled,
    refetchInterval: (query) => (payoutOnItsWay(query.state.data?.payouts) ? PAYOUT_POLL_MS : false),
  });
}

/** GET /api/owner/payouts/quote: the fee and what arrives, before the owner confirms. */
export function usePayoutQuote(amount: bigint | null) {
  const { get } = useSession();
  return useQuery({
    queryKey: ownerKeys.quote(amount ?? 0n),
    queryFn: ({ signal }) => get(`/api/owner/payouts/quote?amount=${amount ?? 0n}`, PayoutQuoteSchema, signal),
    enabled: amount !== null,
    retry: false,
  });
}

/** GET /api/owner/enrollments/:id every ~1.5 s while it waits for the machine. */
export function useEnrollmentStatus(id: string | null) {
  const { get } = useSession();
  return useQuery({
    queryKey: ownerKeys.enrollment(id ?? ''),
    queryFn: ({ signal }) => get(`/api/owner/enrollments/${id}`, EnrollmentStatusSchema, signal),
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data && query.state.data.status !== 'waiting' ? false : ENROLLMENT_POLL_MS),
    refetchIntervalInBackground: true,
  });
}

/** Invalidates everything the owner screens show (after a write). */
function useRefreshOwner() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: ownerKeys.all });
}

/** POST /api/owner/payout-wallet with a fresh ton_proof. */
export function useSetPayoutWallet() {
  const { post } = useSession();
  const refresh = useRefreshOwner();
  return async (request: unknown) => {
    await post('/api/owner/payout-wallet', request, Ignored);
    await refresh();
  };
}

/** POST /api/owner/enrollments: a one-time token and the command that uses it. */
export function useCreateEnrollment() {
  const { post } = useSession();
  return useMutation({ mutationFn: () => post('/api/owner/enrollments', {}, EnrollmentResponseSchema) });
}

export interface MachineUpdate {
  name?: string;
  priceCoefficientMilli?: number;
}

/** PATCH /api/owner/machines/:id: rename, or set the price coefficient (the host uses it from its next job). */
export function useUpdateMachine() {
  const { send } = useSession();
  const refresh = useRefreshOwner();
  return useMutation({
    mutationFn: ({ id, update }: { id: string; update: MachineUpdate }) => send('PATCH', `/api/owner/machines/${encodeURIComponent(id)}`, update, Ignored),
    onSuccess: refresh,
  });
}

/** DELETE /api/owner/machines/:id: the machine can no longer connect. */
export function useRemoveMachine() {
  const { send } = useSession();
  const refresh = useRefreshOwner();
  return useMutation({
    mutationFn: (id: string) => send('DELETE', `/api/owner/machines/${encodeURIComponent(id)}`, undefined, Ignored),
    onSuccess: refresh,
  });
}

/** PATCH /api/owner/settings: the bot's messages (offline, back online, payout sent). */
export function useSetNotifications() {
  const { send } = useSession();
  const refresh = useRefreshOwner();
  return useMutation({ mutationFn: (notifications: boolean) => send('PATCH', '/api/owner/settings', { notifications }, Ignored), onSuccess: refresh });
}

/**
 * POST /api/owner/payouts with the very amount the owner saw quoted; the key makes a resend of one
 * attempt (a retry after a dropped connection) pay once.
 */
export function useWithdraw() {
  const { post } = useSession();
  const refresh = useRefreshOwner();
  return useMutation({
    mutationFn: ({ amount, idempotencyKey }: { amount: bigint; idempotencyKey: string }) => post('/api/owner/payouts', { amount: amount.toString(), idempotencyKey }, Ignored),
    onSuccess: refresh,
  });
}
