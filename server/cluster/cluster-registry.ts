import type { BrokerToHost } from '@cocoon/shared/protocol/ws-messages';
import { HostRegistry, type HostLink, type OnlineHost } from '../hosts/registry';

/**
 * A host whose socket another broker holds: what it is told goes over the bus to that broker
 * (cluster-relay.ts sends it), naming the connection by `since` so a later one is never touched.
 */
export class RemoteLink implements HostLink {
  /** The registry entry this link belongs to, set as the entry is made: the job's host in the relay. */
  host: OnlineHost | undefined;
  /**
   * The host reconnected to this broker: closing this link then does nothing, as the host broker
   * closes that connection on this broker's announcement (once it knows where the host went, so
   * it does not record the machine offline).
   */
  replaced = false;

  constructor(
    readonly brokerId: string,
    readonly hostId: string,
    /** When the host broker accepted this connection. */
    readonly since: number,
    private readonly out: { send(link: RemoteLink, msg: BrokerToHost): void; close(link: RemoteLink, code: number, reason: string): void },
  ) {}

  send(msg: BrokerToHost): void {
    this.out.send(this, msg);
  }

  close(code: number, reason: string): void {
    if (!this.replaced) this.out.close(this, code, reason);
  }
}

export const isRemote = (host: OnlineHost): host is OnlineHost & { link: RemoteLink } => host.link instanceof RemoteLink;

/**
 * The broker's registry of online hosts, its own and (as RemoteLink hosts) the other brokers'.
 * Tells the cluster when the set of hosts whose sockets this broker holds changes, so it announces
 * them, and remembers when each of those connections was accepted (of two, the newer wins).
 */
export class ClusterRegistry extends HostRegistry {
  private readonly accepted = new WeakMap<OnlineHost, number>();
  private lastSince = 0;
  /** Set by the cluster: called after this broker's own hosts changed. */
  onLocalChange: () => void = () => undefined;
  /** Set by the cluster: a host reconnected here while another broker's connection of it was known, whose jobs end now. */
  onRemoteReplaced: (previous: OnlineHost) => void = () => undefined;

  override add(host: OnlineHost): OnlineHost | undefined {
    if (!isRemote(host)) {
      // Strictly increasing here: a host that reconnects within a millisecond is still the newer.
      this.lastSince = Math.max(Date.now(), this.lastSince + 1);
      this.accepted.set(host, this.lastSince);
    }
    const previous = super.add(host);
    if (!isRemote(host) || (previous && !isRemote(previous))) this.onLocalChange();
    if (!isRemote(host) && previous && isRemote(previous)) {
      previous.link.replaced = true;
      this.onRemoteReplaced(previous);
    }
    return previous;
  }

  override remove(host: OnlineHost): boolean {
    const removed = super.remove(host);
    if (removed && !isRemote(host)) this.onLocalChange();
    return removed;
  }

  /** When a connection was accepted: the local clock for this broker's hosts, the host broker's for the others. */
  sinceOf(host: OnlineHost): number {
    return isRemote(host) ? host.link.since : (this.accepted.get(host) ?? 0);
  }

  /** The hosts whose sockets this broker holds. */
  local(): OnlineHost[] {
    return this.all().filter((h) => !isRemote(h));
  }
}
