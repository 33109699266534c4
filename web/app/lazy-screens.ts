/**
 * The screens that load on first visit, in one chunk: Credits and My GPUs share TonConnect;
 * Developer and About come with them, out of the first load (web/app/Screens.tsx). One
 * lazy chunk, not one per screen: with two, the bundler moved modules with top-level schemas
 * into a common chunk that runs before no-eval.ts, and zod then probed `new Function` under the
 * CSP (e2e/about.spec.ts and e2e/owner-screens.spec.ts catch that).
 */
export { CreditsScreen } from '../features/credits/CreditsScreen';
export { OwnerScreen } from '../features/owner/OwnerScreen';
export { DeveloperScreen } from '../features/developer/DeveloperScreen';
export { AboutScreen } from '../features/about/AboutScreen';
