import type { Address } from '@ton/core';
import type { KeyPair } from '@ton/crypto';
import type { FastifyInstance } from 'fastify';
import type { Services } from './services';

/**
 * What development adds to the broker: local stand-ins for Telegram's Bot API and the TON chain,
 * and the `/api/dev/*` routes. They live in the `@cocoon/dev` package (`npm start`, tests), which
 * production installs do not contain; the production entry (server/main.ts) passes none, and a
 * broker without them refuses `DEV_MODE` and `TON_NETWORK=sandbox` at construction.
 */
export interface DevExtensions {
  /** Starts the Bot API stand-in (DEV_MODE without TELEGRAM_API_URL). */
  startBotApi(botToken: string): Promise<EmbeddedService>;
  /** Starts a local chain that serves toncenter's API v2 (DEV_MODE or TON_NETWORK=sandbox, without TON_API_URL). */
  startTonChain(): Promise<EmbeddedTonChain>;
  /** Registers the development routes (DEV_MODE only). */
  registerRoutes(api: FastifyInstance, services: () => Services): void;
}

export interface EmbeddedService {
  /** Base URL: the Bot API root, or the toncenter `/api/v2` root. */
  url: string;
  close(): Promise<void>;
}

export interface EmbeddedTonChain extends EmbeddedService {
  /** The wallet deposits go to on the local chain. */
  serviceAddress: Address;
  /** The key of the local chain's payout wallet (a deployed, funded wallet v5r1): play money only. */
  payoutKeyPair: KeyPair;
}
