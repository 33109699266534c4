import { Address } from '@ton/core';
import type { ServerConfig } from '../config';

export type TonNetwork = 'mainnet' | 'testnet' | 'sandbox';

/**
 * Where the broker's TON comes from, decided once from the config:
 * - `toncenter`: TON_API_URL is set (with TON_SERVICE_ADDRESS); TON_NETWORK defaults to mainnet.
 * - `embedded`: no TON_API_URL, and DEV_MODE or TON_NETWORK=sandbox: the broker starts a local
 *   sandbox chain whose service wallet has a well-known dev key (play money only).
 * - `off`: neither. A production broker never falls back to the sandbox, whose wallet anyone
 *   could empty: it runs without TON, and the TON routes answer `ton.unavailable`.
 */
export type TonMode =
  | { kind: 'toncenter'; network: TonNetwork; apiUrl: string; apiKey: string | undefined; serviceAddress: Address }
  | { kind: 'embedded'; network: 'sandbox' }
  | { kind: 'off' };

export function tonMode(config: ServerConfig): TonMode {
  if (config.TON_API_URL) {
    return {
      kind: 'toncenter',
      network: config.TON_NETWORK ?? 'mainnet',
      apiUrl: config.TON_API_URL,
      apiKey: config.TON_API_KEY,
      serviceAddress: Address.parse(config.TON_SERVICE_ADDRESS!),
    };
  }
  if (config.DEV_MODE || config.TON_NETWORK === 'sandbox') return { kind: 'embedded', network: 'sandbox' };
  return { kind: 'off' };
}

/**
 * The domains a ton_proof may name: TON_PROOF_DOMAINS when set; otherwise PUBLIC_URL's host and,
 * in DEV_MODE, localhost and 127.0.0.1 on any port.
 */
export function proofDomains(config: ServerConfig): string[] {
  if (config.TON_PROOF_DOMAINS.length > 0) return config.TON_PROOF_DOMAINS;
  const domains = config.PUBLIC_URL ? [new URL(config.PUBLIC_URL).host] : [];
  if (config.DEV_MODE) domains.push('localhost:*', '127.0.0.1:*');
  return domains;
}

/** Addresses as wallets show them: `testOnly` on testnet only (sandbox wallets report either chain). */
export function friendlyAddress(address: Address, network: TonNetwork, bounceable: boolean): string {
  return address.toString({ urlSafe: true, bounceable, testOnly: network === 'testnet' });
}
