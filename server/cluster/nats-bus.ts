import { connect, type NatsConnection } from '@nats-io/transport-node';
import { CocoonError } from '@cocoon/shared/errors';
import type { Bus, BusHandler } from './bus';

/**
 * The bus over NATS (several brokers). Core NATS, no JetStream: what crosses it is live traffic
 * (jobs, chunks, the host directory) that is worthless once late; the money is in PostgreSQL.
 * The client reconnects forever: while NATS is away, remote jobs stall and time out as usual.
 */
export class NatsBus implements Bus {
  private constructor(private readonly nc: NatsConnection) {}

  /** @throws CocoonError('config.invalid') when NATS cannot be reached at start. */
  static async connect(url: string, name: string): Promise<NatsBus> {
    try {
      const nc = await connect({ servers: url, name, maxReconnectAttempts: -1, reconnectTimeWait: 250, pingInterval: 2_000, timeout: 5_000 });
      return new NatsBus(nc);
    } catch (cause) {
      throw new CocoonError('config.invalid', `NATS_URL: cannot connect to ${url}`, { cause });
    }
  }

  publish(subject: string, data: Uint8Array): void {
    if (!this.nc.isClosed()) this.nc.publish(subject, data);
  }

  subscribe(subject: string, handler: BusHandler): () => void {
    const sub = this.nc.subscribe(subject, { callback: (err, msg) => {
      if (!err) handler(msg.data, msg.subject);
    } });
    return () => sub.unsubscribe();
  }

  async flush(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.flush();
  }

  async roundTripMs(): Promise<number | undefined> {
    return this.nc.isClosed() ? undefined : this.nc.rtt();
  }

  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc.drain().catch(() => this.nc.close());
  }
}
