import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';

/**
 * Telegram Mini App initData, validated as Telegram specifies
 * (https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app):
 * secret = HMAC-SHA256(key "WebAppData", bot token); hash = hex HMAC-SHA256(secret,
 * data-check-string), where the data-check-string is every other field as `key=value`, sorted by
 * key, joined by "\n".
 */

/** Stored in text columns, which cannot hold NUL. */
const DbText = z.string().refine((s) => !s.includes('\0'), 'contains NUL');

/** The part of Telegram's WebAppUser the broker keeps. */
const TelegramUserSchema = z.object({
  id: z.number().int().positive(),
  first_name: DbText.max(256),
  username: DbText.max(64).optional(),
});

export interface TelegramIdentity {
  telegramId: bigint;
  firstName: string;
  username: string | undefined;
  authDate: Date;
}

export interface InitDataPolicy {
  botToken: string;
  maxAgeS: number;
  now?: Date;
}

/** Clock skew tolerated for an `auth_date` in the future. */
const MAX_FUTURE_S = 60;

const secretKey = (botToken: string): Buffer => createHmac('sha256', 'WebAppData').update(botToken).digest();

function dataCheckString(fields: Map<string, string>): string {
  return [...fields.keys()]
    .filter((k) => k !== 'hash')
    .sort()
    .map((k) => `${k}=${fields.get(k)}`)
    .join('\n');
}

function parseFields(initData: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(initData)) {
    if (fields.has(k)) throw new CocoonError('auth.init_data_invalid', `duplicate field ${k}`);
    fields.set(k, v);
  }
  return fields;
}

function hashMatches(fields: Map<string, string>, botToken: string): boolean {
  const given = fields.get('hash') ?? '';
  if (!/^[0-9a-f]{64}$/.test(given)) return false;
  const expected = createHmac('sha256', secretKey(botToken)).update(dataCheckString(fields)).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

/**
 * @throws CocoonError('auth.init_data_invalid') for a forged, malformed or future-dated initData,
 *   CocoonError('auth.init_data_expired') when older than `maxAgeS`.
 */
export function validateInitData(initData: string, policy: InitDataPolicy): TelegramIdentity {
  const fields = parseFields(initData);
  if (!hashMatches(fields, policy.botToken)) throw new CocoonError('auth.init_data_invalid', 'initData hash does not match');
  const authDate = Number(fields.get('auth_date'));
  if (!Number.isSafeInteger(authDate) || authDate <= 0) throw new CocoonError('auth.init_data_invalid', 'auth_date missing');
  const nowS = Math.floor((policy.now ?? new Date()).getTime() / 1000);
  if (authDate > nowS + MAX_FUTURE_S) throw new CocoonError('auth.init_data_invalid', 'auth_date is in the future');
  if (nowS - authDate > policy.maxAgeS) throw new CocoonError('auth.init_data_expired', 'initData is too old');
  const user = TelegramUserSchema.safeParse(parseJson(fields.get('user')));
  if (!user.success) throw new CocoonError('auth.init_data_invalid', 'user field missing or malformed');
  return {
    telegramId: BigInt(user.data.id),
    firstName: user.data.first_name,
    username: user.data.username,
    authDate: new Date(authDate * 1000),
  };
}

function parseJson(s: string | undefined): unknown {
  if (s === undefined) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Signs initData as Telegram would: for the dev endpoint (DEV_MODE) and tests only. */
export function signInitData(fields: Record<string, string>, botToken: string): string {
  const map = new Map(Object.entries(fields));
  map.delete('hash');
  const hash = createHmac('sha256', secretKey(botToken)).update(dataCheckString(map)).digest('hex');
  const params = new URLSearchParams([...map.entries()]);
  params.set('hash', hash);
  return params.toString();
}
