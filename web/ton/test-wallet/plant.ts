import type { AppRequest, ConnectRequest, TestWalletBridge } from './bridge';
import { deviceInfo } from './device-info';

/** Must match the `js` bridge key in the dev wallets list (vite.config.ts). */
export const TEST_WALLET_KEY = deviceInfo.appName;

/** The wallet's code (with @ton/core) loads on first use, not with the page. */
let bridge: Promise<TestWalletBridge> | undefined;
const load = () =>
  (bridge ??= Promise.all([import('./bridge'), import('./dev-api')]).then(([{ createTestWalletBridge }, { devTestWalletApi }]) =>
    createTestWalletBridge({
      api: devTestWalletApi,
      storage: window.localStorage,
      domain: () => window.location.host,
      now: () => Math.floor(Date.now() / 1000),
    }),
  ));

/**
 * Puts the test wallet where TonConnect looks for injected wallets, `window.cocoonTestWallet.tonconnect`,
 * before TonConnect starts, so it finds the wallet both to connect and to restore. It says it is the
 * wallet whose browser the page runs in (`isWalletBrowser`), so Connect goes straight to it, as in
 * a wallet's own in-app browser. It never sends wallet events: nothing disconnects it but the app.
 */
export function plantTestWallet(): void {
  const tonconnect = {
    deviceInfo,
    protocolVersion: 2,
    isWalletBrowser: true,
    connect: async (protocolVersion: number, request: ConnectRequest) => (await load()).connect(protocolVersion, request),
    restoreConnection: async () => (await load()).restoreConnection(),
    send: async (request: AppRequest) => (await load()).send(request),
    listen: (_callback: (event: unknown) => void) => () => {},
    disconnect: () => void load().then((b) => b.disconnect()),
  };
  Object.defineProperty(window, TEST_WALLET_KEY, { value: { tonconnect }, configurable: true });
}
