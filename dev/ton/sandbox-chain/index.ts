import { toNano } from '@ton/core';
import Fastify from 'fastify';
import { SandboxNetwork } from './network';
import { registerToncenterRoutes } from './routes';
import { createWallet, devKeyPair, type CreateWalletOptions, type SandboxWallet } from './wallets';

export type { SandboxWallet, TransferArgs } from './wallets';
export { devKeyPair } from './wallets';

export interface SandboxChain {
  /** The toncenter v2 base URL, e.g. `http://127.0.0.1:41234/api/v2`: give it to createToncenterClient. */
  url: string;
  /** The deposit wallet (v4, well-known dev key), deployed. */
  serviceWallet: SandboxWallet;
  /** The wallet owners' payouts are sent from (v5r1, well-known dev key `payout-wallet`), deployed and funded. */
  payoutWallet: SandboxWallet;
  /** A fresh wallet funded from the faucet (deployed unless `deploy: false`). */
  createTestWallet(opts: Omit<CreateWalletOptions, 'version'> & { version: 'v4' | 'v5r1' }): Promise<SandboxWallet>;
  /** Direct access for tests: faucet transfers and raw sandbox state. */
  network: SandboxNetwork;
  close(): Promise<void>;
}

export interface SandboxChainOptions {
  port?: number;
  host?: string;
}

/** What the service wallet starts with: enough for fees, as a real deposit wallet would hold. */
const SERVICE_WALLET_BALANCE = toNano('10');
/** Play money for owners' payouts in development and tests. */
const PAYOUT_WALLET_BALANCE = toNano('1000');

/**
 * A local TON chain (`@ton/sandbox`) behind a real HTTP server speaking toncenter's API v2, so
 * the production client is what talks to it. Used by the embedded default and by tests; its
 * state lives in memory and is gone on close.
 */
export async function startSandboxChain(opts: SandboxChainOptions = {}): Promise<SandboxChain> {
  const network = await SandboxNetwork.create();
  const serviceWallet = await createWallet(network, { version: 'v4', balance: SERVICE_WALLET_BALANCE, keyPair: devKeyPair('service-wallet') });
  const payoutWallet = await createWallet(network, { version: 'v5r1', balance: PAYOUT_WALLET_BALANCE, keyPair: devKeyPair('payout-wallet') });
  const app = Fastify({ logger: false });
  registerToncenterRoutes(app, network);
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ port: opts.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `http://${host}:${port}/api/v2`,
    serviceWallet,
    payoutWallet,
    createTestWallet: (o) => createWallet(network, o),
    network,
    close: () => app.close(),
  };
}
