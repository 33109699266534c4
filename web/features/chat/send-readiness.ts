import type { AppliedPolicy } from '../../crypto/api';
import { t } from '../../i18n';
import type { SocketStatus } from '../../ws/broker-socket';
import type { HostState } from './use-verified-host';

export type Readiness = { ready: true } | { ready: false; reason: string; pending: boolean };

export interface ReadinessInput {
  model: string | null;
  modelsLoading: boolean;
  /** The model list could not be loaded (after its retries): not the same as no model being served. */
  modelsFailed?: boolean;
  /** The operator's attestation policy as the crypto worker applied it. */
  policy: AppliedPolicy | undefined;
  policyFailed: boolean;
  host: HostState | undefined;
  hostLoading: boolean;
  hostFailed: boolean;
  socket: SocketStatus;
}

const policyRefused = (policy: AppliedPolicy): string =>
  t('network.send.policy_refused', { reason: policy.check.reason ?? t('network.send.no_reason') });

/** Why Send waits on the broker socket: first connection, reconnecting after a drop, or no network at all. */
const socketReason = (socket: Exclude<SocketStatus, 'ready'>): string =>
  socket === 'offline' ? t('network.send.offline') : socket === 'waiting' ? t('network.send.reconnecting') : t('network.send.connecting');

/**
 * Whether a message may be sent now, and if not, the one reason to show under the input.
 * Sealing needs a host whose attestation passed in the worker under the operator's policy: a
 * refused policy or a rejected host blocks sending, never falls back to weaker checks. With no
 * network, that is the reason whatever else is still loading (it is why the rest is).
 */
export function sendReadiness(i: ReadinessInput): Readiness {
  const wait = (reason: string): Readiness => ({ ready: false, reason, pending: true });
  const block = (reason: string): Readiness => ({ ready: false, reason, pending: false });
  if (i.socket === 'offline') return wait(socketReason(i.socket));
  if (i.modelsLoading) return wait(t('network.send.loading_models'));
  if (!i.model) return block(t(i.modelsFailed ? 'network.send.models_failed' : 'network.send.no_models'));
  if (!i.policy) return i.policyFailed ? block(t('network.send.policy_failed')) : wait(t('network.send.loading_policy'));
  if (i.policy.source === 'rejected') return block(policyRefused(i.policy));
  if (i.hostLoading) return wait(t('network.send.verifying_host'));
  if (i.hostFailed || !i.host) return block(t('network.send.hosts_failed'));
  if (i.host.state === 'none') return block(t('network.send.no_host'));
  // The policy can expire after it was loaded: the worker then refuses every host under it.
  const hostPolicy = i.host.state === 'rejected' ? i.host.host.verification.policy : null;
  if (hostPolicy?.source === 'rejected') return block(policyRefused(hostPolicy));
  if (i.host.state === 'rejected') return block(t('network.send.host_rejected'));
  if (i.socket !== 'ready') return wait(socketReason(i.socket));
  return { ready: true };
}
