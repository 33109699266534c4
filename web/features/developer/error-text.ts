import { isCocoonError } from '@cocoon/shared/errors';
import { NetworkError } from '../../api/http';
import { t } from '../../i18n';

/** What a failed developer request tells the user: the broker's own words for key and budget errors. */
export function errorText(e: unknown): string {
  if (e instanceof NetworkError) return t('developer.error.network');
  if (!isCocoonError(e)) return t('developer.error.generic');
  if (e.code === 'protocol.malformed_message') return t('developer.error.malformed');
  if (e.code.startsWith('apikey.') || e.code === 'rate_limited') return e.message.charAt(0).toUpperCase() + e.message.slice(1) + '.';
  return t('developer.error.generic');
}
