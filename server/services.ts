import type { FastifyBaseLogger } from 'fastify';
import type { AttestationPolicy, SignedPolicy } from '@cocoon/shared/attestation/policy';
import { CollateralCache } from './attestation/collateral-cache';
import { loadAttestationPolicy, recordPolicySequence } from './attestation/policy';
import { SessionStore } from './auth/sessions';
import type { ServerConfig } from './config';
import { openDatabase, type Database } from './db/client';
import { ApiKeyStore } from './developer/api-keys';
import type { DevExtensions } from './dev-extensions';
import { HostRegistry } from './hosts/registry';
import { Ledger } from './ledger/ledger';
import { RateLimits } from './limits/rate-limits';
import { openStarsGateway, type StarsGateway } from './payments/stars-gateway';
import { PriceBook } from './pricing/price-book';
import { InProcessRelay } from './relay/in-process-relay';
import { openTon, type TonService } from './ton/ton-service';
import { notifyOwner } from './owners/notify';
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
  /** Telegram Stars: the Bot API (or its embedded stand-in) and the webhook's secret. */
  stars: StarsGateway;
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
  if (policySequence !== null) {
    try {
      await recordPolicySequence(db, policySequence);
    } catch (e) {
      await database.close();
      throw e;
    }
  }
  const ledger = new Ledger(db, { commissionBps: config.NETWORK_COMMISSION_BPS });
  const prices = new PriceBook({ promptPerMillion: config.DEFAULT_PRICE_PROMPT_PER_M, completionPerMillion: config.DEFAULT_PRICE_COMPLETION_PER_M });
  const registry = new HostRegistry();
  const relay = new InProcessRelay({ db, ledger, prices, registry, log, idleTimeoutMs: config.JOB_IDLE_TIMEOUT_MS, holdTtlMs: config.HOLD_TTL_MS, maxJobsPerUser: config.MAX_CONCURRENT_JOBS_PER_USER });
  const stars = await openStarsGateway(config, log, dev);
  const ton = await openTon(config, { db, ledger, log, dev, notify: (ownerId, text) => notifyOwner({ database, stars }, ownerId, text, log) });
  const sessions = new SessionStore(db, config.SESSION_TTL_S, config.SESSIONS_PER_USER_PER_HOUR);
  return { config, database, ledger, sessions, prices, registry, relay, stars, ton, attestationPolicy, signedAttestationPolicy, collateral: new CollateralCache(), limits: new RateLimits(config), apiKeys: new ApiKeyStore(db) };
}
