import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import { UtcDaySchema } from '@cocoon/shared/protocol/developer';
import type { UsageFilter } from './usage';

/**
 * Signed links to a user's usage CSV. Telegram's `downloadFile` and `openLink` fetch a URL without
 * the Mini App's session, so the link itself says whose usage and which filter, until when, and
 * carries an HMAC of that: it grants reading that one export for a few minutes, nothing else.
 */
export const EXPORT_LINK_TTL_MS = 5 * 60_000;

/** The key the links are signed with, derived from the bot token (as the ton_proof payloads' MAC is). */
export const exportLinkSecret = (botToken: string): Buffer => createHmac('sha256', 'cocoon/usage-export/v1').update(botToken).digest();

export const SignedExportQuerySchema = z.object({
  u: z.uuid(),
  key: z.uuid().optional(),
  day: UtcDaySchema.optional(),
  exp: z.coerce.number().int().positive(),
  sig: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});

const mac = (secret: Buffer, f: UsageFilter, exp: number): Buffer =>
  createHmac('sha256', secret).update(`usage-csv\0${f.userId}\0${f.keyId ?? ''}\0${f.day ?? ''}\0${exp}`).digest();

/** A path on the broker (`/api/developer/usage.csv?…`) that serves `f`'s CSV until `expiresAt`. */
export function signExportLink(secret: Buffer, f: UsageFilter, now = new Date()): { url: string; expiresAt: Date } {
  const exp = Math.floor((now.getTime() + EXPORT_LINK_TTL_MS) / 1000);
  const query = new URLSearchParams({ u: f.userId, ...(f.keyId ? { key: f.keyId } : {}), ...(f.day ? { day: f.day } : {}), exp: String(exp) });
  query.set('sig', mac(secret, f, exp).toString('base64url'));
  return { url: `/api/developer/usage.csv?${query.toString()}`, expiresAt: new Date(exp * 1000) };
}

/** @throws CocoonError('developer.export_link_invalid') for a forged, altered or expired link. */
export function verifyExportLink(secret: Buffer, q: z.output<typeof SignedExportQuerySchema>, now = new Date()): UsageFilter {
  const f: UsageFilter = { userId: q.u, keyId: q.key, day: q.day };
  const given = Buffer.from(q.sig, 'base64url');
  const expected = mac(secret, f, q.exp);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new CocoonError('developer.export_link_invalid', 'this export link is not valid');
  if (q.exp * 1000 <= now.getTime()) throw new CocoonError('developer.export_link_invalid', 'this export link expired; export again');
  return f;
}
