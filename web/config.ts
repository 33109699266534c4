/**
 * The Mini App's build-time configuration from the flags vite.config.ts defines. The exceptions are
 * `__COCOON_MOCK_TELEGRAM__` and `__COCOON_TEST_WALLET__`, read where they guard a dev-only dynamic
 * import (telegram/bootstrap.ts, main.tsx): only a literal `if (false)` there lets the bundler drop
 * the mock and the test wallet from production builds.
 */

/** Attestation policy: the simulated TEE is accepted only in dev and e2e builds. */
export const ALLOW_SIMULATED_TEE: boolean = __COCOON_ALLOW_SIMULATED_TEE__;
/**
 * The operator keys (base64url Ed25519) the attestation policy must be signed with, pinned at build
 * time from `COCOON_POLICY_KEYS`. Empty (dev, e2e): hosts are checked without an operator policy.
 */
export const POLICY_KEYS: readonly string[] = __COCOON_POLICY_KEYS__;
/**
 * The broker's origin (`COCOON_BROKER_ORIGIN`) when a static host serves the app apart from it;
 * empty (the default): the broker is the origin that served the app.
 */
export const BROKER_ORIGIN: string = __COCOON_BROKER_ORIGIN__;
/** The product version (package.json), shown on the About screen. */
export const APP_VERSION: string = __COCOON_APP_VERSION__;
/**
 * The default completion budget of a chat turn ("Normal" answers); the user's answer length and the
 * model's context length set the one sent (web/features/conversations/answer-length.ts). The broker
 * holds credits for it up front, within the user's max price per message.
 */
export const MAX_TOKENS = 1024;

/** TonConnect's files, served from the Mini App's own origin (vite.config.ts). */
export const TONCONNECT_MANIFEST_PATH = '/tonconnect-manifest.json';
export const TONCONNECT_WALLETS_PATH = '/tonconnect-wallets.json';
/** A TON transfer request is valid this long; wallets refuse it after. */
export const TON_REQUEST_TTL_S = 5 * 60;

/** While a top-up is on its way: how often to ask the broker, and when to stop waiting. */
export const TOPUP_POLL_MS = 1_500;
export const STARS_CREDIT_TIMEOUT_MS = 60_000;
/** The broker credits TON only from finalized blocks: seconds on the local chain, longer on a real one. */
export const TON_CREDIT_TIMEOUT_MS = 3 * 60_000;
