import { toNano, type Address } from '@ton/core';
import type { FastifyBaseLogger } from 'fastify';
import { CocoonError } from '../../shared/errors';
import type { ServerConfig } from '../config';
import type { Db } from '../db/client';
import type { Ledger } from '../ledger/ledger';
import type { TonChain } from './chain';
import { DepositWatcher } from './deposit-watcher';
import { payloadSecret, ProofPayloads } from './proof-payloads';
import { devKeyPair, startSandboxChain, type SandboxChain, type SandboxWallet } from './sandbox-chain';
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
  /** The embedded chain, when the broker runs one. */
  sandbox: SandboxChain | null;
  /** Embedded chain only: the shared dev test wallet, funded on first use. */
  devTestWallet(): Promise<SandboxWallet>;
  close(): Promise<void>;
}

export const DEV_TEST_WALLET_BALANCE = toNano('100');
/** The embedded chain is local: poll it often so a dev deposit shows up at once. */
const EMBEDDED_POLL_MS = 1_000;

/**
 * Opens the TON side as `tonMode(config)` decides (see ton-settings.ts) and starts the deposit
 * watcher; null when TON is off. The embedded sandbox chain is started here and closed by close().
 */
export async function openTon(config: ServerConfig, deps: { db: Db; ledger: Ledger; log: FastifyBaseLogger }): Promise<TonService | null> {
  const mode = tonMode(config);
  if (mode.kind === 'off') return null;
  const sandbox = mode.kind === 'embedded' ? await startSandboxChain() : null;
  const chain = createToncenterClient(mode.kind === 'embedded' ? { baseUrl: sandbox!.url } : { baseUrl: mode.apiUrl, apiKey: mode.apiKey });
  const serviceAddress = mode.kind === 'embedded' ? sandbox!.serviceWallet.address : mode.serviceAddress;
  const watcher = new DepositWatcher({
    chain,
    serviceAddress,
    db: deps.db,
    ledger: deps.ledger,
    log: deps.log,
    microCreditsPerTon: config.MICRO_CREDITS_PER_TON,
    pollIntervalMs: mode.kind === 'embedded' ? Math.min(EMBEDDED_POLL_MS, config.TON_POLL_INTERVAL_MS) : config.TON_POLL_INTERVAL_MS,
    resetMissingCursor: mode.kind === 'embedded',
  });
  watcher.start();
  let devWallet: Promise<SandboxWallet> | undefined;
  deps.log.info({ network: mode.network, mode: mode.kind, serviceAddress: serviceAddress.toRawString() }, 'ton ready');
  return {
    network: mode.network,
    chain,
    serviceAddress,
    microCreditsPerTon: config.MICRO_CREDITS_PER_TON,
    payloads: new ProofPayloads(deps.db, { ttlS: config.TON_PROOF_PAYLOAD_TTL_S, secret: payloadSecret(config.BOT_TOKEN) }),
    proofPolicy: { network: mode.network, domains: proofDomains(config), maxAgeS: config.TON_PROOF_MAX_AGE_S },
    watcher,
    sandbox,
    devTestWallet() {
      if (!sandbox) return Promise.reject(new CocoonError('ton.unavailable', 'no embedded sandbox chain'));
      devWallet ??= sandbox.createTestWallet({ version: 'v4', balance: DEV_TEST_WALLET_BALANCE, keyPair: devKeyPair('dev-test-wallet') }).catch((e: unknown) => {
        devWallet = undefined;
        throw e;
      });
      return devWallet;
    },
    async close() {
      await watcher.stop();
      await sandbox?.close();
    },
  };
}
