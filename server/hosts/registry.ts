import type { AttestationBundle, Claims } from '@cocoon/shared/protocol/attestation-bundle';
import type { BrokerToHost } from '@cocoon/shared/protocol/ws-messages';

/** A way to talk to one connected host; the WebSocket today, a NATS subject later. */
export interface HostLink {
  send(msg: BrokerToHost): void;
  close(code: number, reason: string): void;
}

/** A host that proved its enclave identity on this connection. */
export interface OnlineHost {
  hostId: string;
  /** Verified claims: the models it serves and the keys its receipts are checked with. */
  claims: Claims;
  bundle: AttestationBundle;
  bundleDigest: string;
  priceCoefficientMilli: number;
  link: HostLink;
  /** Jobs in flight on this host: for "best first" ordering and its capacity (server/relay/job-slots.ts). */
  activeJobs: number;
  /** The most jobs the host runs at once, as its hello stated; the broker never sends it more. */
  maxConcurrentJobs: number;
  /** The user the machine is enrolled to. */
  ownerId: string;
  /** The agent said it is stopping (`host.drain`): no new jobs; the running ones finish. */
  draining: boolean;
}

/** Online hosts of this broker instance, in memory. */
export class HostRegistry {
  private readonly hosts = new Map<string, OnlineHost>();

  /** Adds a host; a newer connection with the same id replaces the older, which is returned. */
  add(host: OnlineHost): OnlineHost | undefined {
    const previous = this.hosts.get(host.hostId);
    this.hosts.set(host.hostId, host);
    return previous === host ? undefined : previous;
  }

  /** Removes the host only if `host` is still the current connection for its id. */
  remove(host: OnlineHost): boolean {
    if (this.hosts.get(host.hostId) !== host) return false;
    this.hosts.delete(host.hostId);
    return true;
  }

  get(hostId: string): OnlineHost | undefined {
    return this.hosts.get(hostId);
  }

  all(): OnlineHost[] {
    return [...this.hosts.values()];
  }

  /** Model name → number of online hosts taking jobs for it (draining ones do not). */
  models(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const h of this.hosts.values()) {
      if (h.draining) continue;
      for (const name of new Set(h.claims.models.map((m) => m.name))) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return counts;
  }
}

export const servesModel = (host: OnlineHost, model: string): boolean => host.claims.models.some((m) => m.name === model);

/** The host serves `model` and is not draining: a new job may go to it. */
export const takesJobsFor = (host: OnlineHost, model: string): boolean => !host.draining && servesModel(host, model);

/** The host runs as many jobs as it said it can. */
export const isFull = (host: OnlineHost): boolean => host.activeJobs >= host.maxConcurrentJobs;
