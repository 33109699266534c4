import { describe, expect, it } from 'vitest';
import { assertFuzz } from '@cocoon/shared/testing/fuzz/harness';
import { serverTargets } from '../tests/fuzz/server-targets';
import { signInitData, validateInitData } from './init-data';

const target = serverTargets.find((t) => t.name === 'server.init-data')!;

describe('fuzz: Telegram initData, fixed seed', () => {
  it(`${target.name}: ${target.testRuns} inputs, typed rejections only, no altered initData verifies`, () => assertFuzz(target), 60_000);
});

describe('fuzz findings: initData', () => {
  it('server.init-data: a signed user whose first_name holds NUL is auth.init_data_invalid (Postgres text cannot store it: the sign-in answered 500)', () => {
    const token = '7000000001:AAfuzz-bot-token-for-init-data_xyz';
    const initData = signInitData({ auth_date: '1767225600', user: JSON.stringify({ id: 1, first_name: 'A\u0000' }) }, token);
    expect(() => validateInitData(initData, { botToken: token, maxAgeS: 60, now: new Date(1_767_225_600_000) })).toThrow(expect.objectContaining({ code: 'auth.init_data_invalid' }));
  });
});
