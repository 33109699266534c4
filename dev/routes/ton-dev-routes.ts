import { beginCell, Cell, storeStateInit } from '@ton/core';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import { DevTonSendBocRequestSchema, type DevTonSendBocResponseSchema, type DevTonTestWalletResponseSchema } from '@cocoon/shared/protocol/ton-dev';
import type { Services } from '@cocoon/server/services';
import type { SandboxWallet } from '../ton/sandbox-chain/index';
import { requireTon } from '@cocoon/server/ton/routes';
import { friendlyAddress } from '@cocoon/server/ton/ton-settings';

/**
 * DEV_MODE only (see shared/protocol/ton-dev.ts): the embedded chain's test wallet, with its key,
 * and a pass-through to the chain's sendBoc that also wakes the deposit watcher.
 */
export function registerTonDevRoutes(app: FastifyInstance, services: () => Services, testWallet: () => Promise<SandboxWallet>): void {
  app.get('/api/dev/ton/test-wallet', async () => {
    const ton = requireTon(services());
    const wallet = await testWallet();
    const info = await ton.chain.getAddressInformation(wallet.address);
    return {
      version: 'v4',
      secretKeyHex: wallet.keyPair.secretKey.toString('hex'),
      seedHex: wallet.keyPair.secretKey.subarray(0, 32).toString('hex'),
      publicKeyHex: wallet.keyPair.publicKey.toString('hex'),
      address: wallet.address.toRawString(),
      friendly: friendlyAddress(wallet.address, ton.network, false),
      walletStateInit: beginCell().store(storeStateInit(wallet.init)).endCell().toBoc().toString('base64'),
      chain: '-239',
      seqno: await wallet.seqno(),
      balance: String(info.balance),
    } satisfies z.input<typeof DevTonTestWalletResponseSchema>;
  });

  app.post('/api/dev/ton/send-boc', async (req) => {
    const ton = requireTon(services());
    const { boc } = DevTonSendBocRequestSchema.parse(req.body);
    const bytes = Buffer.from(boc, 'base64');
    let cell: Cell;
    try {
      cell = Cell.fromBoc(bytes)[0]!;
    } catch (cause) {
      throw new CocoonError('protocol.malformed_message', 'boc is not a bag of cells', { cause });
    }
    await ton.chain.sendBoc(bytes);
    ton.watcher.poke();
    return { messageHash: cell.hash().toString('hex') } satisfies z.input<typeof DevTonSendBocResponseSchema>;
  });
}
