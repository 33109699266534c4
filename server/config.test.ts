import { describe, expect, it } from 'vitest';
import { isCocoonError } from '@cocoon/shared/errors';
import { loadConfig } from './config';

const BOT_TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({ BOT_TOKEN })).toMatchObject({
      PORT: 8080,
      HOST: '127.0.0.1',
      DATA_DIR: '.data/pglite',
      HOST_ENROLL_TOKENS: [],
      ALLOW_SIMULATED_TEE: false,
      DEV_MODE: false,
      INIT_DATA_MAX_AGE_S: 600,
      SESSION_TTL_S: 86_400,
      STARTER_CREDITS: 100_000_000n,
      DEFAULT_PRICE_PROMPT_PER_M: 1_000_000_000n,
      DEFAULT_PRICE_COMPLETION_PER_M: 2_000_000_000n,
      NETWORK_COMMISSION_BPS: 500,
      LOG_LEVEL: 'info',
    });
  });

  it('parses lists, booleans and money as bigint', () => {
    const c = loadConfig({ BOT_TOKEN, HOST_ENROLL_TOKENS: ' aaaaaaaaaaaaaaaa , bbbbbbbbbbbbbbbb,', ALLOW_SIMULATED_TEE: 'true', STARTER_CREDITS: '12345678901234567890', DATABASE_URL: 'postgres://u@h/db' });
    expect(c.HOST_ENROLL_TOKENS).toEqual(['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb']);
    expect(c.ALLOW_SIMULATED_TEE).toBe(true);
    expect(c.STARTER_CREDITS).toBe(12345678901234567890n);
    expect(c.DATABASE_URL).toBe('postgres://u@h/db');
  });

  it('names every bad variable, and never echoes a secret', () => {
    let message = '';
    try {
      loadConfig({ BOT_TOKEN: 'secret-but-wrong', PORT: 'eighty', ALLOW_SIMULATED_TEE: 'maybe', NETWORK_COMMISSION_BPS: '20000', HOST_ENROLL_TOKENS: 'short' });
    } catch (e) {
      expect(isCocoonError(e, 'config.invalid')).toBe(true);
      message = (e as Error).message;
    }
    for (const name of ['BOT_TOKEN', 'PORT', 'ALLOW_SIMULATED_TEE', 'NETWORK_COMMISSION_BPS', 'HOST_ENROLL_TOKENS']) expect(message).toContain(name);
    expect(message).not.toContain('secret-but-wrong');
  });

  it('requires BOT_TOKEN', () => {
    expect(() => loadConfig({})).toThrow(/BOT_TOKEN: required/);
  });

  it('refuses DEV_MODE with production settings unless DEV_MODE_FORCE says so', () => {
    const real = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1';
    const dev = '1234567890:DEV-cocoon-embedded-default-not-secret';
    expect(loadConfig({ BOT_TOKEN: dev, DEV_MODE: 'true' }).DEV_MODE).toBe(true);
    expect(() => loadConfig({ BOT_TOKEN: real, DEV_MODE: 'true' })).toThrow(/DEV_MODE: refused with production settings \(a real-looking BOT_TOKEN\)/);
    expect(() => loadConfig({ BOT_TOKEN: dev, DEV_MODE: 'true', DATABASE_URL: 'postgres://u@h/db' })).toThrow(/DEV_MODE: refused with production settings \(DATABASE_URL\)/);
    expect(() => loadConfig({ BOT_TOKEN: dev, DEV_MODE: 'true', TON_API_URL: 'https://toncenter.com/api/v2', TON_SERVICE_ADDRESS: '0:' + '1'.repeat(64) })).toThrow(/TON_API_URL/);
    expect(loadConfig({ BOT_TOKEN: real, DEV_MODE: 'true', DATABASE_URL: 'postgres://u@h/db', DEV_MODE_FORCE: 'true' }).DEV_MODE).toBe(true);
    // Without DEV_MODE a real token is what production runs with.
    expect(loadConfig({ BOT_TOKEN: real }).DEV_MODE).toBe(false);
  });
});
