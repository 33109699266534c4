import { toNano } from '@ton/core';
import { CocoonError } from '@cocoon/shared/errors';
import type { DevExtensions } from '@cocoon/server/dev-extensions';
import { registerInitDataDevRoutes } from './routes/init-data-dev-routes';
import { registerDevStarsRoutes } from './routes/stars-dev-routes';
import { registerTonDevRoutes } from './routes/ton-dev-routes';
import { createBotApiStandin, type BotApiStandin } from './telegram/bot-api-standin';
import { devKeyPair, startSandboxChain, type SandboxChain, type SandboxWallet } from './ton/sandbox-chain/index';

export const DEV_TEST_WALLET_BALANCE = toNano('100');

export interface BrokerDevExtensions extends DevExtensions {
  /** The running Bot API stand-in, once the broker started it. */
  botApi(): BotApiStandin | undefined;
  /** The running local chain, once the broker started it. */
  tonChain(): SandboxChain | undefined;
  /** The shared dev test wallet on the local chain, funded on first use. */
  testWallet(): Promise<SandboxWallet>;
}

/**
 * The development side of the broker (server/dev-extensions.ts): the Bot API stand-in, the local
 * `@ton/sandbox` chain behind the toncenter API, and the `/api/dev/*` routes the mocked Telegram
 * and the injected test wallet use. One instance per broker.
 */
export function createDevExtensions(): BrokerDevExtensions {
  let botApi: BotApiStandin | undefined;
  let chain: SandboxChain | undefined;
  let wallet: Promise<SandboxWallet> | undefined;
  const testWallet = (): Promise<SandboxWallet> => {
    if (!chain) return Promise.reject(new CocoonError('ton.unavailable', 'no embedded sandbox chain'));
    const local = chain;
    wallet ??= local.createTestWallet({ version: 'v4', balance: DEV_TEST_WALLET_BALANCE, keyPair: devKeyPair('dev-test-wallet') }).catch((e: unknown) => {
      wallet = undefined;
      throw e;
    });
    return wallet;
  };
  return {
    async startBotApi(botToken) {
      const standin = createBotApiStandin({ token: botToken });
      const { url } = await standin.start();
      botApi = standin;
      return { url, close: () => standin.close() };
    },
    async startTonChain() {
      const started = await startSandboxChain();
      chain = started;
      wallet = undefined;
      return { url: started.url, serviceAddress: started.serviceWallet.address, payoutKeyPair: started.payoutWallet.keyPair, close: () => started.close() };
    },
    registerRoutes(api, services) {
      registerInitDataDevRoutes(api, services);
      registerDevStarsRoutes(api, services, () => botApi);
      registerTonDevRoutes(api, services, testWallet);
    },
    botApi: () => botApi,
    tonChain: () => chain,
    testWallet,
  };
}
