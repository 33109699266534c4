import { sign, validate } from '@telegram-apps/init-data-node';
import { describe, expect, it } from 'vitest';
import { isCocoonError, type ErrorCode } from '@cocoon/shared/errors';
import { signInitData, validateInitData } from './init-data';

const BOT = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const now = new Date('2026-01-01T12:00:00Z');
const user = { id: 279058397, first_name: 'Vladislav', username: 'vdkfrost', language_code: 'en' };

/** initData signed by the independent implementation in @telegram-apps/init-data-node. */
const official = (authDate: Date, token = BOT) =>
  sign({ user: { id: user.id, first_name: user.first_name, username: user.username, language_code: 'en' }, query_id: 'AAHdF6IQAAAAAN0XohDhrOrc' }, token, authDate);

function expectCode(f: () => unknown, code: ErrorCode): void {
  try {
    f();
  } catch (e) {
    expect(isCocoonError(e, code), String(e)).toBe(true);
    return;
  }
  expect.fail(`expected ${code}`);
}

const policy = { botToken: BOT, maxAgeS: 600, now };

describe('validateInitData', () => {
  it('accepts initData signed as Telegram signs it', () => {
    const id = validateInitData(official(new Date(now.getTime() - 30_000)), policy);
    expect(id).toEqual({ telegramId: 279058397n, firstName: 'Vladislav', username: 'vdkfrost', authDate: new Date(now.getTime() - 30_000) });
  });

  it('rejects a forged hash, another bot token and a tampered field', () => {
    const good = official(now);
    const forgedHash = good.replace(/hash=[0-9a-f]{4}/, 'hash=0000');
    expectCode(() => validateInitData(forgedHash, policy), 'auth.init_data_invalid');
    expectCode(() => validateInitData(official(now, '987654321:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), policy), 'auth.init_data_invalid');
    expectCode(() => validateInitData(good.replace('Vladislav', 'Mallory'), policy), 'auth.init_data_invalid');
    expectCode(() => validateInitData(good.replace(/&?hash=[0-9a-f]+/, ''), policy), 'auth.init_data_invalid');
    expectCode(() => validateInitData('not init data', policy), 'auth.init_data_invalid');
  });

  it('rejects duplicated fields even when one copy is signed', () => {
    expectCode(() => validateInitData(`${official(now)}&auth_date=1`, policy), 'auth.init_data_invalid');
  });

  it('rejects initData older than the max age, and accepts it at the limit', () => {
    expectCode(() => validateInitData(official(new Date(now.getTime() - 601_000)), policy), 'auth.init_data_expired');
    expect(validateInitData(official(new Date(now.getTime() - 600_000)), policy).telegramId).toBe(279058397n);
  });

  it('rejects auth_date more than 60 s in the future', () => {
    expectCode(() => validateInitData(official(new Date(now.getTime() + 61_000)), policy), 'auth.init_data_invalid');
    expect(validateInitData(official(new Date(now.getTime() + 59_000)), policy).firstName).toBe('Vladislav');
  });

  it('rejects a signed initData without a usable user', () => {
    const noUser = signInitData({ auth_date: String(now.getTime() / 1000), query_id: 'x' }, BOT);
    expectCode(() => validateInitData(noUser, policy), 'auth.init_data_invalid');
  });

  it('signInitData produces what the independent validator accepts', () => {
    const data = signInitData({ auth_date: String(Math.floor(Date.now() / 1000)), user: JSON.stringify(user) }, BOT);
    expect(() => validate(data, BOT)).not.toThrow();
  });
});
