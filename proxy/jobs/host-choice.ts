import type { BrokerHost } from '../broker/broker-api';

/**
 * What this proxy has seen of each host: jobs that ended well, and failures before the first
 * token (refused, unreachable, failed verification). The broker ranks hosts too; this is the
 * client's own view, which the broker cannot bend.
 */
export class HostStats {
  private readonly byHost = new Map<string, { ok: number; failed: number }>();

  succeeded(hostId: string): void {
    this.entry(hostId).ok++;
  }

  failed(hostId: string): void {
    this.entry(hostId).failed++;
  }

  /** Share of failures, with one success assumed, so a new host starts as good as a reliable one. */
  failureRate(hostId: string): number {
    const e = this.byHost.get(hostId);
    return e ? e.failed / (e.ok + e.failed + 1) : 0;
  }

  private entry(hostId: string) {
    let e = this.byHost.get(hostId);
    if (!e) this.byHost.set(hostId, (e = { ok: 0, failed: 0 }));
    return e;
  }
}

/**
 * The order hosts are tried in: the broker's (its scheduler ranks by price under the cap, load and
 * reliability, and spreads load), except that hosts this proxy has seen fail go after those it
 * has not, the most failing last. The broker only orders the list; the proxy still verifies each
 * host and seals to its attested key itself.
 * @example rankHosts([{ hostId: 'a', priceCoefficientMilli: 1000 }, { hostId: 'b', priceCoefficientMilli: 1200 }], stats) // a, b (b, a once a failed here)
 */
export function rankHosts<H extends BrokerHost>(hosts: readonly H[], stats: HostStats): H[] {
  return hosts
    .map((host, order) => ({ host, order, failures: stats.failureRate(host.hostId) }))
    .sort((a, b) => a.failures - b.failures || a.order - b.order)
    .map((x) => x.host);
}
