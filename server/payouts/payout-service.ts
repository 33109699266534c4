import type { KeyPair } from '@ton/crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from '../config';
import type { Db } from '../db/client';
import type { TonChain } from '../ton/chain';
import type { TonNetwork } from '../ton/ton-settings';
import { PayoutConfirmer, payoutSentText } from './confirmer';
import type { PayoutRules } from './outbox';
import { PayoutSender } from './sender';
import { PayoutWallet } from './payout-wallet';

/** Owners' TON payouts: the wallet they are paid from, its sender and its confirmer. */
export interface PayoutService {
  wallet: PayoutWallet;
  sender: PayoutSender;
  confirmer: PayoutConfirmer;
  close(): Promise<void>;
}

/** The explorer page of a transaction, `{hash}` replaced by its hex hash; none for the local sandbox. */
export function explorerTxUrl(network: TonNetwork): string | null {
  if (network === 'mainnet') return 'https://tonviewer.com/transaction/{hash}';
  if (network === 'testnet') return 'https://testnet.tonviewer.com/transaction/{hash}';
  return null;
}

export function payoutRules(config: ServerConfig): PayoutRules {
  return { min: config.PAYOUT_MIN, feeNano: config.PAYOUT_FEE_NANO, microCreditsPerTon: config.MICRO_CREDITS_PER_TON };
}

export interface PayoutDeps {
  db: Db;
  chain: TonChain;
  network: TonNetwork;
  keyPair: KeyPair;
  log: FastifyBaseLogger;
  pollIntervalMs: number;
  /** The local sandbox chain: a saved cursor from an earlier one is reset. */
  embedded: boolean;
  /** The owner's bot message (server/owners/notify.ts). */
  notify?: (ownerId: string, text: string) => Promise<unknown>;
}

/** Starts the sender and the confirmer; close() stops both. */
export function startPayouts(config: ServerConfig, deps: PayoutDeps): PayoutService {
  const wallet = new PayoutWallet(deps.keyPair, deps.network, deps.chain);
  const explorer = explorerTxUrl(deps.network);
  const sender = new PayoutSender({ db: deps.db, chain: deps.chain, wallet, log: deps.log, validForS: config.PAYOUT_VALID_FOR_S, pollIntervalMs: deps.pollIntervalMs });
  const confirmer = new PayoutConfirmer({
    db: deps.db,
    chain: deps.chain,
    wallet,
    log: deps.log,
    pollIntervalMs: deps.pollIntervalMs,
    resetMissingCursor: deps.embedded,
    onConfirmed: async (p) => deps.notify?.(p.ownerId, payoutSentText(p, explorer)),
  });
  sender.start();
  confirmer.start();
  deps.log.info({ payoutWallet: wallet.address.toRawString() }, 'ton payouts ready');
  return {
    wallet,
    sender,
    confirmer,
    async close() {
      await sender.stop();
      await confirmer.stop();
    },
  };
}
