import { loadAreas } from '../../i18n';
import { lazyModule } from './lazy-module';

/**
 * The chunk of chat-sheets.ts with the attestation area's messages (the sheets' words, out of the
 * first load), fetched once, shared by the sheets that show its parts.
 */
export const chatSheets = lazyModule(() => Promise.all([import('./chat-sheets'), loadAreas(['attestation'])]).then(([m]) => m));
