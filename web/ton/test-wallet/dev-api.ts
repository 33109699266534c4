import type { z } from 'zod';
import { DevTonSendBocResponseSchema, DevTonTestWalletResponseSchema } from '@cocoon/shared/protocol/ton-dev';
import { brokerUrl } from '../../api/broker-url';

/**
 * The dev broker's test-wallet routes (DEV_MODE only; shared/protocol/ton-dev.ts). The key is a
 * well-known sandbox key guarding play money on the local chain; no production build has this code.
 */
export type DevTestWallet = z.output<typeof DevTonTestWalletResponseSchema>;

async function json(res: Response, what: string): Promise<unknown> {
  if (!res.ok) throw new Error(`${what} answered ${res.status}`);
  return res.json();
}

export const devTestWalletApi = {
  /** Read fresh on every use: the seqno moves with each transfer. */
  async wallet(): Promise<DevTestWallet> {
    return DevTonTestWalletResponseSchema.parse(await json(await fetch(brokerUrl('/api/dev/ton/test-wallet')), 'GET /api/dev/ton/test-wallet'));
  },
  async sendBoc(boc: string): Promise<void> {
    const res = await fetch(brokerUrl('/api/dev/ton/send-boc'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ boc }) });
    DevTonSendBocResponseSchema.parse(await json(res, 'POST /api/dev/ton/send-boc'));
  },
};
export type DevTestWalletApi = typeof devTestWalletApi;
