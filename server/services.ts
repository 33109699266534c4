import type { FastifyBaseLogger } from 'fastify';
import type { AttestationPolicy, SignedPolicy } from '@cocoon/shared/attestation/policy';
import { CollateralCache } from './attestation/collateral-cache';
import { loadAttestationPolicy, recordPolicySequence } from './attestation/policy';
import { SessionStore } from './auth/sessions';
import type { ServerConfig } from './config';
import { openDatabase, type Database } from './db/client';
import { ApiKeyStore } from './developer/api-keys';
import type { DevExtensions } from './dev-extensions';
import type { HostRegistry } from './hosts/registry';
import { createCluster, newBrokerId, type Cluster } from './cluster/cluster';
import { ClusterRegistry } from './cluster/cluster-registry';
import { openBus } from './cluster/open-bus';
import { databaseBundleStore } from './cluster/bundle-store';
import { Ledger } from './ledger/ledger';
import { BrokerMetrics } from './metrics/broker-metrics';
import { RateLimits } from './limits/rate-limits';
import { ReliabilityCache } from './scheduler/reliability-cache';
import { openStarsGateway, type StarsGateway } from './payments/stars-gateway';
import { PriceBook } from './pricing/price-book';
import { InProcessRelay } from './relay/in-process-relay';
import { openTon, type TonService } from './ton/ton-service';
import { notifyOwner } from './owners/notify';
import { starsUpdates } from './payments/stars-webhook';
import { createCocoonBot, type CocoonBot } from './telegram/bot/bot';
import type { Relay } from './relay/relay';

/** Everything the routes and sockets use, built once the database is open. */
export interface Services {
  config: ServerConfig;
  database: Database;
  ledger: Ledger;
  sessions: SessionStore;
  prices: PriceBook;
  registry: HostRegistry;
  relay: Relay;
  /** This broker among several (server/cluster/): the bus, the host directory; one broker alone in the embedded default. */
  cluster: Cluster;
  /** Telegram Stars: the Bot API (or its embedded stand-in) and the webhook's secret. */
  stars: StarsGateway;
  /** The Telegram bot (server/telegram/bot/): the webhook's updates, its profile, owners' notifications. */
  bot: CocoonBot;
  /** TON deposits and ton_proof; null when the broker runs without TON (see ton/ton-settings.ts). */
  ton: TonService | null;
  /** What host attestation must satisfy to enroll (server/attestation/policy.ts). */
  attestationPolicy: AttestationPolicy;
  /** The operator's signed policy document, served to the Mini App (GET /api/attestation/policy); null without one. */
  signedAttestationPolicy: SignedPolicy | null;
  /** Intel collateral per FMSPC from verified host bundles, attached to bundles that lack newer. */
  collateral: CollateralCache;
  /** Request limits per address and per user (server/limits/rate-limits.ts). */
  limits: RateLimits;
  /** Developers' API keys (server/developer/). */
  apiKeys: ApiKeyStore;
  /** Hosts' reliability scores for the scheduler, cached per host (server/scheduler/reliability-cache.ts). */
  reliability: ReliabilityCache;
  /** Prometheus metrics (server/metrics/), served on the loopback METRICS_PORT. */
  metrics: BrokerMetrics;
}

export async function openServices(config: ServerConfig, log: FastifyBaseLogger, dev?: DevExtensions): Promise<Services> {
  // First, so a missing or forged policy stops the broker before anything is opened.
  const { policy: attestationPolicy, sequence: policySequence, signed: signedAttestationPolicy } = await loadAttestationPolicy(config);
  const database = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolMax: config.DATABASE_POOL_MAX,
    onPoolError: (err) => log.warn({ err: err.message }, 'postgres: idle connection lost'),
  });
  const db = database.db;
  const metrics = new BrokerMetrics();
  metrics.watchDatabase(database);
  if (policySequence !== null) {
    try {
      await recordPolicySequence(db, policySequence);
    } catch (e) {
      await database.close();
      throw e;
    }
  }
  const ledger = new Ledger(db, { commissionBps: config.NETWORK_COMMISSION_BPS, observe: metrics.ledgerObserver });
  const prices = new PriceBook({ promptPerMillion: config.DEFAULT_PRICE_PROMPT_PER_M, completionPerMillion: config.DEFAULT_PRICE_COMPLETION_PER_M });
  const registry = new ClusterRegistry();
  const local = new InProcessRelay({ db, ledger, prices, registry, log, idleTimeoutMs: config.JOB_IDLE_TIMEOUT_MS, holdTtlMs: config.HOLD_TTL_MS, maxJobsPerUser: config.MAX_CONCURRENT_JOBS_PER_USER, metrics });
  const stars = await openStarsGateway(config, log, dev);
  const bot = createCocoonBot({ token: config.BOT_TOKEN, apiRoot: stars.apiRoot, appUrl: config.WEB_ORIGIN ?? config.PUBLIC_URL, stars: starsUpdates({ db, ledger, api: stars.api }, log), log });
  const ton = await openTon(config, { db, ledger, log, dev, notify: (ownerId, text) => notifyOwner({ database, bot }, ownerId, text, log) });
  const sessions = new SessionStore(db, config.SESSION_TTL_S, config.SESSIONS_PER_USER_PER_HOUR);
  // Last, so nothing above can fail with a NATS connection left open; in-process unless NATS_URL (server/cluster/).
  const brokerId = config.BROKER_ID ?? newBrokerId();
  const cluster = createCluster({ bus: await openBus(config, brokerId), bundles: databaseBundleStore(db), log, registry, local, brokerId, clusterName: config.CLUSTER_NAME, holdTtlMs: config.HOLD_TTL_MS, solo: !config.NATS_URL });
  const relay = cluster.relay;
  cluster.start();
  return { config, database, ledger, sessions, prices, registry, relay, cluster, metrics, stars, bot, ton, attestationPolicy, signedAttestationPolicy, collateral: new CollateralCache(), limits: new RateLimits(config), apiKeys: new ApiKeyStore(db), reliability: new ReliabilityCache(db, { onError: (err) => log.warn({ err }, 'scheduler: reading host reliability failed') }) };
}
