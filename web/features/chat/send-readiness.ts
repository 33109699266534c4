import type { AppliedPolicy } from '../../crypto/api';
import type { SocketStatus } from '../../ws/broker-socket';
import type { HostState } from './use-verified-host';

export type Readiness = { ready: true } | { ready: false; reason: string; pending: boolean };

export interface ReadinessInput {
  model: string | null;
  modelsLoading: boolean;
  /** The operator's attestation policy as the crypto worker applied it. */
  policy: AppliedPolicy | undefined;
  policyFailed: boolean;
  host: HostState | undefined;
  hostLoading: boolean;
  hostFailed: boolean;
  socket: SocketStatus;
}

const policyRefused = (policy: AppliedPolicy): string =>
  `The operator’s attestation policy could not be verified (${policy.check.reason ?? 'no reason given'}), so no host can be trusted and sending is blocked.`;

/**
 * Whether a message may be sent now, and if not, the one reason to show under the input.
 * Sealing needs a host whose attestation passed in the worker under the operator's policy: a
 * refused policy or a rejected host blocks sending, never falls back to weaker checks.
 */
export function sendReadiness(i: ReadinessInput): Readiness {
  const wait = (reason: string): Readiness => ({ ready: false, reason, pending: true });
  const block = (reason: string): Readiness => ({ ready: false, reason, pending: false });
  if (i.modelsLoading) return wait('Loading models…');
  if (!i.model) return block('No models are available right now.');
  if (!i.policy) return i.policyFailed ? block('Couldn’t load the operator’s attestation policy. Retrying…') : wait('Loading the attestation policy…');
  if (i.policy.source === 'rejected') return block(policyRefused(i.policy));
  if (i.hostLoading) return wait('Verifying the host’s enclave…');
  if (i.hostFailed || !i.host) return block('Couldn’t load hosts. Retrying…');
  if (i.host.state === 'none') return block('No GPU host is online for this model.');
  // The policy can expire after it was loaded: the worker then refuses every host under it.
  const hostPolicy = i.host.state === 'rejected' ? i.host.host.verification.policy : null;
  if (hostPolicy?.source === 'rejected') return block(policyRefused(hostPolicy));
  if (i.host.state === 'rejected') return block('The host failed attestation, so sending is blocked. Tap the badge for details.');
  if (i.socket !== 'ready') return wait('Connecting securely…');
  return { ready: true };
}
