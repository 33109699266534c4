import pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isCocoonError, type ErrorCode } from '@cocoon/shared/errors';
import type { Database } from '../db/client';
import type { LedgerObserver } from '../ledger/ledger';

export type SocketRole = 'client' | 'host';

/**
 * The broker's Prometheus metrics (issue 13), one registry per broker instance (tests run several
 * in one process), served by metrics-server.ts on a loopback port only. Modules feed it with
 * one-line calls; nothing here reads a job's content, a user id or anything with unbounded labels.
 *
 * Names: cocoon_jobs_total{outcome,code}, cocoon_time_to_first_token_seconds,
 * cocoon_chunks_relayed_total, cocoon_open_sockets{role}, cocoon_ledger_operation_seconds{op,outcome}
 * (its _count: ledger operations), cocoon_db_pool_connections{state} (PostgreSQL; absent on PGlite,
 * cocoon_db_driver{driver} says which), cocoon_nats_round_trip_seconds, and Node's process_* / nodejs_*.
 */
export class BrokerMetrics {
  readonly registry = new Registry();

  /** Jobs by how they ended: settled, cancelled, or failed with their error code. */
  private readonly jobs = new Counter({ name: 'cocoon_jobs_total', help: 'Jobs ended, by outcome (settled, cancelled, failed) and error code', labelNames: ['outcome', 'code'] as const, registers: [this.registry] });
  private readonly firstToken = new Histogram({
    name: 'cocoon_time_to_first_token_seconds',
    help: 'From the job opening at the broker to its first answer chunk relayed to the client',
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly chunks = new Counter({ name: 'cocoon_chunks_relayed_total', help: 'Sealed chunks relayed from hosts to clients', registers: [this.registry] });
  private readonly sockets = new Gauge({ name: 'cocoon_open_sockets', help: 'Open WebSockets, by role', labelNames: ['role'] as const, registers: [this.registry] });
  private readonly ledger = new Histogram({
    name: 'cocoon_ledger_operation_seconds',
    help: 'Ledger operations (hold, settle, release, transfer, ...) and their latency, by outcome (ok or error code)',
    labelNames: ['op', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  /**
   * Round trips between brokers over NATS (server/cluster/): fed by the bus with
   * `metrics.natsRoundTrip.observe(seconds)`; empty with the in-process bus.
   */
  readonly natsRoundTrip = new Histogram({
    name: 'cocoon_nats_round_trip_seconds',
    help: 'Request/reply round trips to other brokers over NATS',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  jobSettled(): void {
    this.jobs.inc({ outcome: 'settled', code: '' });
  }

  /** A job that ended without a settlement; `job.cancelled` counts as cancelled. */
  jobFailed(code: ErrorCode): void {
    this.jobs.inc({ outcome: code === 'job.cancelled' ? 'cancelled' : 'failed', code });
  }

  /** `openedAt`: when the broker opened the job (ms since the epoch). */
  firstTokenRelayed(openedAt: number): void {
    this.firstToken.observe((Date.now() - openedAt) / 1000);
  }

  chunkRelayed(): void {
    this.chunks.inc();
  }

  /** Counts the socket as open until `finished` (its close handling) settles. */
  trackSocket(role: SocketRole, finished: Promise<unknown>): void {
    this.sockets.inc({ role });
    void finished.finally(() => this.sockets.dec({ role }));
  }

  /** For the Ledger's options: every operation's latency and outcome. */
  readonly ledgerObserver: LedgerObserver = (op, seconds, error) => {
    const outcome = error === undefined ? 'ok' : isCocoonError(error) ? error.code : 'error';
    this.ledger.observe({ op, outcome }, seconds);
  };

  /** The database's connection pool, read at each scrape (PostgreSQL; PGlite is one connection, no pool). */
  watchDatabase(database: Database): void {
    new Gauge({ name: 'cocoon_db_driver', help: 'The database driver in use (1 for the one in use)', labelNames: ['driver'] as const, registers: [this.registry] }).set({ driver: database.kind }, 1);
    const pool = poolOf(database);
    if (!pool) return;
    new Gauge({
      name: 'cocoon_db_pool_connections',
      help: 'PostgreSQL pool: connections open (total), idle, and queries waiting for one',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
  }

  /** The Prometheus text exposition of everything above. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** The pg.Pool under a PostgreSQL database (drizzle keeps its client as `$client`); PGlite has none. */
function poolOf(database: Database): pg.Pool | undefined {
  const client = (database.db as unknown as { $client?: unknown }).$client;
  return client instanceof pg.Pool ? client : undefined;
}
