import { describe, expect, it } from 'vitest';
import { isCocoonError } from '@cocoon/shared/errors';
import { loadConfig } from '../config';
import { DEFAULT_CREDIT_PACKS, findPack } from './packs';
import { creditsLabel } from './stars-invoices';

const BOT_TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function configError(env: Record<string, string>): string {
  try {
    loadConfig({ BOT_TOKEN, ...env });
  } catch (e) {
    expect(isCocoonError(e, 'config.invalid')).toBe(true);
    return (e as Error).message;
  }
  return expect.fail('expected config.invalid');
}

describe('credit packs and Stars config', () => {
  it('defaults to 10/50/200 credits for 50/225/800 Stars or 0.1/0.5/2 TON', () => {
    expect(loadConfig({ BOT_TOKEN }).CREDIT_PACKS).toEqual(DEFAULT_CREDIT_PACKS);
    expect(DEFAULT_CREDIT_PACKS.map((p) => [p.credits, p.stars, p.nanoton])).toEqual([
      [10_000_000n, 50, 100_000_000n],
      [50_000_000n, 225, 500_000_000n],
      [200_000_000n, 800, 2_000_000_000n],
    ]);
  });

  it('reads CREDIT_PACKS as JSON with bigint amounts', () => {
    const c = loadConfig({ BOT_TOKEN, CREDIT_PACKS: '[{"id":"tiny","credits":"1","stars":1,"nanoton":"5"}]' });
    expect(c.CREDIT_PACKS).toEqual([{ id: 'tiny', credits: 1n, stars: 1, nanoton: 5n }]);
    expect(findPack(c.CREDIT_PACKS, 'tiny').stars).toBe(1);
    expect(() => findPack(c.CREDIT_PACKS, 'pack-10')).toThrow(expect.objectContaining({ code: 'payments.pack_unknown' }));
  });

  it('names a bad CREDIT_PACKS or TELEGRAM_* value without echoing it', () => {
    expect(configError({ CREDIT_PACKS: 'not json' })).toMatch(/CREDIT_PACKS: expected a JSON array/);
    const dup = '[{"id":"a","credits":"1","stars":1,"nanoton":"1"},{"id":"a","credits":"2","stars":2,"nanoton":"2"}]';
    expect(configError({ CREDIT_PACKS: dup })).toMatch(/CREDIT_PACKS: .*unique/);
    expect(configError({ CREDIT_PACKS: '[{"id":"a","credits":"-1","stars":0,"nanoton":"1"}]' })).toMatch(/CREDIT_PACKS/);
    expect(configError({ CREDIT_PACKS: '[]' })).toMatch(/at least one pack/);
    const secret = configError({ TELEGRAM_WEBHOOK_SECRET: 'short!secret' });
    expect(secret).toMatch(/TELEGRAM_WEBHOOK_SECRET/);
    expect(secret).not.toContain('short!secret');
    expect(configError({ TELEGRAM_API_URL: 'not a url' })).toMatch(/TELEGRAM_API_URL/);
  });

  it('labels invoices in whole and fractional credits', () => {
    expect(creditsLabel(10_000_000n)).toBe('10 credits');
    expect(creditsLabel(2_500_000n)).toBe('2.5 credits');
    expect(creditsLabel(1n)).toBe('0.000001 credits');
  });
});
