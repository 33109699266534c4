/** What the test wallet tells TonConnect about itself; `appName` is its `app_name` in the wallets list. */
export const deviceInfo = {
  platform: 'browser' as const,
  appName: 'cocoonTestWallet',
  appVersion: '1.0.0',
  maxProtocolVersion: 2,
  features: ['SendTransaction' as const, { name: 'SendTransaction' as const, maxMessages: 4 }],
};
