import { isCocoonError } from '@cocoon/shared/errors';
import { NetworkError } from '../../api/http';

/** What a failed developer request tells the user: the broker's own words for key and budget errors. */
export function errorText(e: unknown): string {
  if (e instanceof NetworkError) return 'The server could not be reached. Check your connection and try again.';
  if (!isCocoonError(e)) return 'Something went wrong. Please try again.';
  if (e.code === 'protocol.malformed_message') return 'Check the name (1–64 characters) and the limits.';
  if (e.code.startsWith('apikey.') || e.code === 'rate_limited') return e.message.charAt(0).toUpperCase() + e.message.slice(1) + '.';
  return 'Something went wrong. Please try again.';
}
