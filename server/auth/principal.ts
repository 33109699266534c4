import { isApiKeyToken } from '@cocoon/shared/protocol/developer';
import type { ApiKeyRow } from '../developer/api-keys';
import type { Services } from '../services';
import type { UserRow } from './sessions';

/**
 * Who a request or client socket acts for: a user, through their Telegram session or through one
 * of their developer API keys (then `apiKey` is set). Jobs, holds, receipts and settlement are the
 * same either way; a key adds its limits and is recorded on its jobs.
 */
export interface Principal {
  user: UserRow;
  apiKey: ApiKeyRow | null;
  /** A session's expiry (sessions are never revoked: sessions.ts); null for an API key, which may be revoked at any time. */
  sessionExpiresAt: Date | null;
}

/**
 * Resolves a session token or an API key (told apart by its `sk-cocoon-` prefix).
 * @throws CocoonError('auth.session_invalid' | 'auth.session_expired' | 'apikey.invalid' | 'apikey.revoked')
 */
export async function authenticateToken(s: Pick<Services, 'sessions' | 'apiKeys'>, token: string): Promise<Principal> {
  if (isApiKeyToken(token)) {
    const { user, key } = await s.apiKeys.authenticate(token);
    return { user, apiKey: key, sessionExpiresAt: null };
  }
  const { user, expiresAt } = await s.sessions.authenticateUntil(token);
  return { user, apiKey: null, sessionExpiresAt: expiresAt };
}
