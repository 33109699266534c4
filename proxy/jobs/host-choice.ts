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
 * The order hosts are tried in: cheapest first (the price coefficient), then the most reliable
 * as this proxy has seen them, then the broker's order (hosts with a free slot first).
 * @example rankHosts([{ hostId: 'a', priceCoefficientMilli: 1200 }, { hostId: 'b', priceCoefficientMilli: 1000 }], stats) // b, a
 */
export function rankHosts<H extends BrokerHost>(hosts: readonly H[], stats: HostStats): H[] {
  return hosts
    .map((host, order) => ({ host, order, failures: stats.failureRate(host.hostId) }))
    .sort((a, b) => a.host.priceCoefficientMilli - b.host.priceCoefficientMilli || a.failures - b.failures || a.order - b.order)
    .map((x) => x.host);
}
