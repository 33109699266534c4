import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Relay } from '../relay/relay';
import type { Bus } from './bus';
import type { BundleStore } from './bundle-store';
import { subjects } from './cluster-messages';
import type { ClusterRegistry } from './cluster-registry';
import { ClusterRelay } from './cluster-relay';
import { HostDirectory } from './host-directory';

/** Heartbeat and death: a broker silent for three beats is gone (README, `BROKER_ID`). */
export const BEAT_MS = 1_000;
export const DEAD_AFTER_MS = 3_000;

export interface ClusterOptions {
  bus: Bus;
  /** Where hosts' bundles are shared: the database (bundle-store.ts). */
  bundles: BundleStore;
  log: FastifyBaseLogger;
  registry: ClusterRegistry;
  /** The relay that owns this broker's jobs. */
  local: Relay;
  /** `BROKER_ID`; random when unset. */
  brokerId?: string | undefined;
  /** `CLUSTER_NAME`: the subjects' prefix. */
  clusterName: string;
  /** A hold's lifetime: how long a remote job this broker hears nothing more of is remembered. */
  holdTtlMs: number;
  beatMs?: number;
  deadAfterMs?: number;
  /**
   * One broker with no peer possible (the embedded default: an in-process bus of its own): no
   * directory runs, so no announcements and no bundle copies; the relay passes everything through.
   */
  solo?: boolean;
}

/** This broker's place among several: its relay (which the sockets use) and its host directory. */
export interface Cluster {
  brokerId: string;
  relay: ClusterRelay;
  directory: HostDirectory;
  bus: Bus;
  start(): void;
  /** Says goodbye and closes the bus. */
  close(): Promise<void>;
}

/** A broker id for a broker started without `BROKER_ID`. */
export const newBrokerId = (): string => `b-${randomBytes(6).toString('hex')}`;

export function createCluster(o: ClusterOptions): Cluster {
  const brokerId = o.brokerId ?? newBrokerId();
  const subs = subjects(o.clusterName);
  const log = o.log.child({ brokerId });
  const relay = new ClusterRelay({ local: o.local, registry: o.registry, bus: o.bus, brokerId, subjects: subs, log, jobTtlMs: o.holdTtlMs });
  const directory = new HostDirectory({
    bus: o.bus, bundles: o.bundles, registry: o.registry, relay, log, brokerId, instance: randomBytes(8).toString('hex'), subjects: subs,
    beatMs: o.beatMs ?? BEAT_MS, deadAfterMs: o.deadAfterMs ?? DEAD_AFTER_MS,
  });
  return {
    brokerId,
    relay,
    directory,
    bus: o.bus,
    start() {
      relay.start();
      if (!o.solo) directory.start();
    },
    async close() {
      if (!o.solo) await directory.close();
      relay.stop();
      await relay.idle();
      await o.bus.flush().catch(() => undefined);
      await o.bus.close();
    },
  };
}
