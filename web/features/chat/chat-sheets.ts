/**
 * The chat's sheets, in one chunk fetched after the first paint (LazyPart.tsx): the attestation
 * details and the max price setting are not needed to show the chat, and keep the first load under
 * its budget (e2e/web-build.test.ts).
 */
export { AttestationDetails } from './AttestationDetails';
export { MaxPriceSettings } from './MaxPriceSettings';
