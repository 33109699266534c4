import type { SocketStatus } from '../../ws/broker-socket';
import type { HostState } from './use-verified-host';

export type Readiness = { ready: true } | { ready: false; reason: string; pending: boolean };

export interface ReadinessInput {
  model: string | null;
  modelsLoading: boolean;
  host: HostState | undefined;
  hostLoading: boolean;
  hostFailed: boolean;
  socket: SocketStatus;
}

/**
 * Whether a message may be sent now, and if not, the one reason to show under the input.
 * Sealing needs a host whose attestation passed in the worker: a rejected host blocks sending.
 */
export function sendReadiness(i: ReadinessInput): Readiness {
  const wait = (reason: string): Readiness => ({ ready: false, reason, pending: true });
  const block = (reason: string): Readiness => ({ ready: false, reason, pending: false });
  if (i.modelsLoading) return wait('Loading models…');
  if (!i.model) return block('No models are available right now.');
  if (i.hostLoading) return wait('Verifying the host’s enclave…');
  if (i.hostFailed || !i.host) return block('Couldn’t load hosts. Retrying…');
  if (i.host.state === 'none') return block('No GPU host is online for this model.');
  if (i.host.state === 'rejected') return block('The host failed attestation, so sending is blocked. Tap the badge for details.');
  if (i.socket !== 'ready') return wait('Connecting securely…');
  return { ready: true };
}
