import type { EnrollmentResponse, EnrollmentStatus } from '@cocoon/shared/protocol/owner';

/** Seconds until `expiresAt`, never negative. */
export const secondsLeft = (expiresAt: string, nowMs: number): number => Math.max(0, Math.ceil((Date.parse(expiresAt) - nowMs) / 1000));

/** 1799 -> "29:59", 65 -> "1:05". */
export const formatCountdown = (s: number): string => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;

export type EnrollmentPhase = { phase: 'waiting'; secondsLeft: number } | { phase: 'enrolled'; hostId: string } | { phase: 'expired' };

/**
 * Where one enrollment stands: the broker's word wins for "enrolled" (a machine may use the token
 * in its last second); "expired" as soon as either the broker or the phone's clock says so, since
 * a command that has run out is no use to copy.
 */
export function enrollmentPhase(enrollment: EnrollmentResponse, status: EnrollmentStatus | undefined, nowMs: number): EnrollmentPhase {
  if (status?.status === 'enrolled' && status.hostId) return { phase: 'enrolled', hostId: status.hostId };
  const left = secondsLeft(status?.expiresAt ?? enrollment.expiresAt, nowMs);
  if (status?.status === 'expired' || left === 0) return { phase: 'expired' };
  return { phase: 'waiting', secondsLeft: left };
}
