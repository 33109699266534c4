import { defineConfig } from '@lingui/conf';
import { formatter } from '@lingui/format-po';

/**
 * The Mini App's message catalogues: one PO file per area and locale under web/locales/, compiled
 * when imported (@lingui/vite-plugin in vite.config.ts and vitest.config.ts), so no generated file
 * is kept. Messages are looked up by explicit id (`t('chat.send')`, web/i18n); English is the
 * source and the fallback for a message a translation lacks.
 */
export const CATALOG_AREAS = ['common', 'chat', 'conversations', 'history', 'answers', 'tools', 'network', 'attestation', 'errors', 'credits', 'owner', 'developer', 'about'] as const;

export default defineConfig({
  sourceLocale: 'en',
  locales: ['en', 'ru'],
  fallbackLocales: { default: 'en' },
  catalogs: CATALOG_AREAS.map((area) => ({ path: `<rootDir>/web/locales/{locale}/${area}`, include: [] })),
  format: formatter({ lineNumbers: false, explicitIdAsDefault: true }),
});
