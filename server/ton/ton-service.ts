import type { Address } from '@ton/core';
import { CocoonError } from '@cocoon/shared/errors';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from '../config';
import type { DevExtensions, EmbeddedTonChain } from '../dev-extensions';
import type { Db } from '../db/client';
import type { Ledger } from '../ledger/ledger';
import { startPayouts, type PayoutService } from '../payouts/payout-service';
import { payoutKeyFromMnemonic } from '../payouts/payout-wallet';
import type { TonChain } from './chain';
import { DepositWatcher } from './deposit-watcher';
import { payloadSecret, ProofPayloads } from './proof-payloads';
import { createToncenterClient } from './toncenter/client';
import { proofDomains, tonMode, type TonNetwork } from './ton-settings';
import type { ProofPolicy } from './verify-connect';

/** The broker's TON side: chain client, deposit watcher, ton_proof settings. */
export interface TonService {
  network: TonNetwork;
  chain: TonChain;
  serviceAddress: Address;
  microCreditsPerTon: bigint;
  payloads: ProofPayloads;
  proofPolicy: ProofPolicy;
  watcher: DepositWatcher;
  /** The embedded local chain (development), when the broker runs one. */
  sandbox: EmbeddedTonChain | null;
  /** Owners' payouts (issue 11); null without a payout wallet key (PAYOUT_WALLET_SECRET on a real network). */
  payouts: PayoutService | null;
  close(): Promise<void>;
}

/** The embedded chain is local: poll it often so a dev deposit shows up at once. */
const EMBEDDED_POLL_MS = 1_000;
const watcherPollMs = (config: ServerConfig, kind: 'toncenter' | 'embedded'): number => (kind === 'embedded' ? Math.min(EMBEDDED_POLL_MS, config.TON_POLL_INTERVAL_MS) : config.TON_POLL_INTERVAL_MS);

/**
 * Opens the TON side as `tonMode(config)` decides (see ton-settings.ts) and starts the deposit
 * watcher; null when TON is off. The embedded sandbox chain is started here and closed by close().
 */
export async function openTon(
  config: ServerConfig,
  deps: { db: Db; ledger: Ledger; log: FastifyBaseLogger; dev?: DevExtensions; notify?: (ownerId: string, text: string) => Promise<unknown> },
): Promise<TonService | null> {
  const mode = tonMode(config);
  if (mode.kind === 'off') return null;
  let sandbox: EmbeddedTonChain | null = null;
  if (mode.kind === 'embedded') {
    if (!deps.dev) throw new CocoonError('config.invalid', 'the embedded TON chain is a development stand-in (@cocoon/dev)');
    sandbox = await deps.dev.startTonChain();
  }
  // Before anything starts: a wrong mnemonic stops the broker with a clear message.
  const payoutKey = sandbox ? sandbox.payoutKeyPair : config.PAYOUT_WALLET_SECRET ? await payoutKeyFromMnemonic(config.PAYOUT_WALLET_SECRET) : null;
  const chain = createToncenterClient(mode.kind === 'toncenter' ? { baseUrl: mode.apiUrl, apiKey: mode.apiKey } : { baseUrl: sandbox!.url });
  const serviceAddress = mode.kind === 'toncenter' ? mode.serviceAddress : sandbox!.serviceAddress;
  const watcher = new DepositWatcher({
    chain,
    serviceAddress,
    db: deps.db,
    ledger: deps.ledger,
    log: deps.log,
    microCreditsPerTon: config.MICRO_CREDITS_PER_TON,
    pollIntervalMs: watcherPollMs(config, mode.kind),
    resetMissingCursor: mode.kind === 'embedded',
  });
  watcher.start();
  if (!payoutKey) deps.log.warn('ton payouts off: PAYOUT_WALLET_SECRET is not set (the owners\' payout routes answer ton.unavailable)');
  const payouts = payoutKey
    ? startPayouts(config, { db: deps.db, chain, network: mode.network, keyPair: payoutKey, log: deps.log, pollIntervalMs: watcherPollMs(config, mode.kind), embedded: mode.kind === 'embedded', ...(deps.notify ? { notify: deps.notify } : {}) })
    : null;
  deps.log.info({ network: mode.network, mode: mode.kind, serviceAddress: serviceAddress.toRawString() }, 'ton ready');
  return {
    network: mode.network,
    chain,
    serviceAddress,
    microCreditsPerTon: config.MICRO_CREDITS_PER_TON,
    payloads: new ProofPayloads(deps.db, { ttlS: config.TON_PROOF_PAYLOAD_TTL_S, secret: payloadSecret(config.BOT_TOKEN), maxPerHour: config.TON_PROOF_PAYLOADS_PER_USER_PER_HOUR }),
    proofPolicy: { network: mode.network, domains: proofDomains(config), maxAgeS: config.TON_PROOF_MAX_AGE_S },
    watcher,
    sandbox,
    payouts,
    async close() {
      await payouts?.close();
      await watcher.stop();
      await sandbox?.close();
    },
  };
}
