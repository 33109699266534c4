/// <reference types="vite/client" />

/** Compile-time flags set in vite.config.ts; read them only through web/config.ts. */
declare const __COCOON_MOCK_TELEGRAM__: boolean;
declare const __COCOON_ALLOW_SIMULATED_TEE__: boolean;
declare const __COCOON_POLICY_KEYS__: readonly string[];
declare const __COCOON_TEST_WALLET__: boolean;
declare const __COCOON_BROKER_ORIGIN__: string;
declare const __COCOON_APP_VERSION__: string;

/** A Lingui catalogue (web/locales), compiled on import by @lingui/vite-plugin. */
declare module '*.po' {
  import type { Messages } from '@lingui/core';
  export const messages: Messages;
}
