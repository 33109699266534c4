import type { Services } from '../services';
import { depositCommentFor } from './deposit-codes';
import { friendlyAddress, type TonNetwork } from './ton-settings';

export { depositCommentFor } from './deposit-codes';

/** What GET /api/credits tells a user about paying in TON (the `ton` object, before encoding). */
export interface TonDepositInfo {
  /** The service wallet, user-friendly and bounceable; empty when the broker runs without TON. */
  serviceAddress: string;
  /** This user's comment (created on first use); empty when the broker runs without TON. */
  depositComment: string;
  microCreditsPerTon: bigint;
  network: TonNetwork;
}

/**
 * The TON part of GET /api/credits for `userId`: plugs into `registerCreditsRoutes` as its
 * TonDepositInfoSource. Without TON (see ton-settings.ts) the address and comment are empty, so
 * the Mini App offers no TON top-up.
 */
export async function tonDepositInfo(s: Services, userId: string): Promise<TonDepositInfo> {
  if (!s.ton) return { serviceAddress: '', depositComment: '', microCreditsPerTon: s.config.MICRO_CREDITS_PER_TON, network: s.config.TON_NETWORK ?? 'mainnet' };
  return {
    serviceAddress: friendlyAddress(s.ton.serviceAddress, s.ton.network, true),
    depositComment: await depositCommentFor(s.database.db, userId),
    microCreditsPerTon: s.ton.microCreditsPerTon,
    network: s.ton.network,
  };
}
