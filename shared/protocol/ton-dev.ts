import { z } from 'zod';
import { BigIntString } from './encoding';

/**
 * DEV_MODE-only routes for the embedded default's injected TonConnect wallet: the web app signs
 * with a test key the broker hands out, on the broker's local sandbox chain (play money; the key
 * is derived from a public dev seed). Never present in production.
 */

const Hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));

/** GET /api/dev/ton/test-wallet : the dev server's shared test wallet (wallet v4R2, workchain 0, deployed). */
export const DevTonTestWalletResponseSchema = z.object({
  version: z.literal('v4'),
  /** Ed25519 secret key as TON libraries hold it (seed ++ public key, 64 bytes): `@ton/crypto`'s `KeyPair.secretKey`. */
  secretKeyHex: Hex(64),
  /** The 32-byte seed alone, for WebCrypto (PKCS#8) or `keyPairFromSeed`. */
  seedHex: Hex(32),
  publicKeyHex: Hex(32),
  /** Raw form `0:<hex>`, as TonConnect's `account.address`. */
  address: z.string().regex(/^0:[0-9a-f]{64}$/),
  /** User-friendly, non-bounceable, URL-safe (`UQ…`). */
  friendly: z.string(),
  /** TonConnect `account.walletStateInit`: base64 BOC of the wallet's StateInit. */
  walletStateInit: z.string(),
  /** TonConnect `account.chain` to report; the sandbox also accepts "-3". */
  chain: z.literal('-239'),
  /** The seqno the next transfer must carry (read fresh on each call). */
  seqno: z.number().int().nonnegative(),
  /** nanoTON. */
  balance: BigIntString,
});

/** POST /api/dev/ton/send-boc : an external message, as TonConnect's `sendTransaction` returns it (base64 BOC). */
export const DevTonSendBocRequestSchema = z.object({ boc: z.string().min(1).max(64 * 1024) });
export const DevTonSendBocResponseSchema = z.object({
  /** Hex hash of the external message cell. */
  messageHash: Hex(32),
});
