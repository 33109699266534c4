import type { Address } from '@ton/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import { TonConnectRequestSchema, type TonProofPayloadResponseSchema, type WalletResponseSchema } from '@cocoon/shared/protocol/payments';
import { bearerToken } from '../auth/routes';
import type { Services } from '../services';
import type { TonService } from './ton-service';
import { friendlyAddress } from './ton-settings';
import { verifyConnect } from './verify-connect';
import { recordWallet, walletOf } from './wallets-repo';

type WalletResponse = z.input<typeof WalletResponseSchema>;

/** The TON side, or `ton.unavailable` when the broker runs without TON. */
export function requireTon(s: Services): TonService {
  if (!s.ton) throw new CocoonError('ton.unavailable', 'TON is not configured on this broker');
  return s.ton;
}

const wire = (ton: TonService, address: Address): NonNullable<WalletResponse['wallet']> => ({
  address: address.toRawString(),
  friendly: friendlyAddress(address, ton.network, false),
});

/** `ton_proof` sign-in of a wallet to the session's user (ARCHITECTURE.md, "Money"). */
export function registerTonRoutes(app: FastifyInstance, services: () => Services): void {
  const auth = async (req: FastifyRequest) => {
    const s = services();
    const user = await s.sessions.authenticate(bearerToken(req));
    return { s, user, ton: requireTon(s) };
  };

  app.get('/api/ton/proof-payload', async (req) => {
    const { s, user, ton } = await auth(req);
    s.limits.user('ton-proof-payload', user.id);
    const { payload, expiresAt } = await ton.payloads.issue(user.id);
    return { payload, expiresAt: Math.floor(expiresAt.getTime() / 1000) } satisfies z.input<typeof TonProofPayloadResponseSchema>;
  });

  /** Verifies the proof, then consumes the payload and records the wallet in one transaction. */
  app.post('/api/ton/connect', async (req) => {
    const { s, user, ton } = await auth(req);
    s.limits.user('ton-connect', user.id); // the check calls the chain
    const body = TonConnectRequestSchema.parse(req.body);
    const now = new Date();
    await ton.payloads.check(user.id, body.proof.payload, now);
    const wallet = await verifyConnect(body, { chain: ton.chain, policy: ton.proofPolicy, now });
    await s.database.db.transaction(async (tx) => {
      await ton.payloads.consume(tx, user.id, body.proof.payload, now);
      await recordWallet(tx, user.id, wallet.address, wallet.publicKey, now);
    });
    req.log.info({ userId: user.id, wallet: wallet.address.toRawString() }, 'ton wallet proved');
    return { wallet: wire(ton, wallet.address) } satisfies WalletResponse;
  });

  app.get('/api/ton/wallet', async (req) => {
    const { s, user, ton } = await auth(req);
    const wallet = await walletOf(s.database.db, user.id);
    return { wallet: wallet ? wire(ton, wallet.address) : null } satisfies WalletResponse;
  });
}
