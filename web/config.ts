/**
 * The Mini App's build-time configuration from the flags vite.config.ts defines. The exception is
 * `__COCOON_MOCK_TELEGRAM__`, read where it guards the mock's dynamic import (telegram/bootstrap.ts):
 * only a literal `if (false)` there lets the bundler drop the mock chunk from production builds.
 */

/** Attestation policy: the simulated TEE is accepted only in dev and e2e builds. */
export const ALLOW_SIMULATED_TEE: boolean = __COCOON_ALLOW_SIMULATED_TEE__;
/** Completion budget of a chat turn; the broker holds credits for it up front. */
export const MAX_TOKENS = 256;
