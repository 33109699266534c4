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
      MACHINE_OFFLINE_NOTICE_S: 300,
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
    const c = loadConfig({ BOT_TOKEN, TON_PROOF_DOMAINS: ' app.example , other.example,', ALLOW_SIMULATED_TEE: 'true', STARTER_CREDITS: '12345678901234567890', DATABASE_URL: 'postgres://u@h/db' });
    expect(c.TON_PROOF_DOMAINS).toEqual(['app.example', 'other.example']);
    expect(c.ALLOW_SIMULATED_TEE).toBe(true);
    expect(c.STARTER_CREDITS).toBe(12345678901234567890n);
    expect(c.DATABASE_URL).toBe('postgres://u@h/db');
  });

  it('names every bad variable, and never echoes a secret', () => {
    let message = '';
    try {
      loadConfig({ BOT_TOKEN: 'secret-but-wrong', PORT: 'eighty', ALLOW_SIMULATED_TEE: 'maybe', NETWORK_COMMISSION_BPS: '20000', MACHINE_OFFLINE_NOTICE_S: 'soon' });
    } catch (e) {
      expect(isCocoonError(e, 'config.invalid')).toBe(true);
      message = (e as Error).message;
    }
    for (const name of ['BOT_TOKEN', 'PORT', 'ALLOW_SIMULATED_TEE', 'NETWORK_COMMISSION_BPS', 'MACHINE_OFFLINE_NOTICE_S']) expect(message).toContain(name);
    expect(message).not.toContain('secret-but-wrong');
  });

  it('limits: documented defaults, and TRUST_PROXY as false, a hop count or proxy addresses', () => {
    expect(loadConfig({ BOT_TOKEN })).toMatchObject({
      TRUST_PROXY: false,
      RATE_LIMIT_WINDOW_S: 60,
      RATE_LIMIT_PER_IP: 120,
      RATE_LIMIT_PER_USER: 30,
      RATE_LIMIT_JOBS_PER_USER: 60,
      MAX_CONCURRENT_JOBS_PER_USER: 4,
      SESSIONS_PER_USER_PER_HOUR: 60,
      TON_PROOF_PAYLOADS_PER_USER_PER_HOUR: 30,
      STARS_INVOICES_PER_USER_PER_HOUR: 30,
    });
    const trust = (v: string) => loadConfig({ BOT_TOKEN, TRUST_PROXY: v }).TRUST_PROXY;
    expect([trust(''), trust('false'), trust('0')]).toEqual([false, false, false]);
    expect(trust('2')).toBe(2);
    expect(trust(' 10.0.0.0/8, 192.0.2.1 ,fd00::/8,loopback')).toEqual(['10.0.0.0/8', '192.0.2.1', 'fd00::/8', 'loopback']);
    for (const bad of ['true', '10.0.0.0/33', 'fd00::/129', 'proxy.example', '10.0.0.1/8/1', '65']) {
      expect(() => trust(bad), bad).toThrow(/TRUST_PROXY: expected false, a hop count/);
    }
    expect(() => loadConfig({ BOT_TOKEN, MAX_CONCURRENT_JOBS_PER_USER: '0' })).toThrow(/MAX_CONCURRENT_JOBS_PER_USER/);
  });

  it('has timeouts and connection limits by default, and refuses a headers timeout above the request timeout', () => {
    expect(loadConfig({ BOT_TOKEN })).toMatchObject({
      HTTP_HEADERS_TIMEOUT_MS: 10_000,
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
      HTTP_CONNECTION_TIMEOUT_MS: 30_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 65_000,
      WS_HEARTBEAT_MS: 30_000,
      WS_MAX_QUEUED_MESSAGES: 16,
      WS_CLIENT_MAX_BUFFERED_BYTES: 4 * 1024 * 1024,
      WS_HOST_MAX_BUFFERED_BYTES: 16 * 1024 * 1024,
      WS_INBOUND_BYTES_PER_S: 256 * 1024,
      WS_INBOUND_BURST_BYTES: 1024 * 1024,
      DATABASE_POOL_MAX: 10,
    });
    expect(() => loadConfig({ BOT_TOKEN, HTTP_HEADERS_TIMEOUT_MS: '40000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS/);
    expect(() => loadConfig({ BOT_TOKEN, WS_HEARTBEAT_MS: '0' })).toThrow(/WS_HEARTBEAT_MS/);
  });

  it('job idle timeout and hold lifetime: two minutes and an hour by default; a hold must outlive the idle timeout', () => {
    expect(loadConfig({ BOT_TOKEN })).toMatchObject({ JOB_IDLE_TIMEOUT_MS: 120_000, HOLD_TTL_MS: 3_600_000 });
    expect(loadConfig({ BOT_TOKEN, JOB_IDLE_TIMEOUT_MS: '500', HOLD_TTL_MS: '2000' })).toMatchObject({ JOB_IDLE_TIMEOUT_MS: 500, HOLD_TTL_MS: 2_000 });
    expect(() => loadConfig({ BOT_TOKEN, HOLD_TTL_MS: '120000' })).toThrow(/HOLD_TTL_MS: must exceed JOB_IDLE_TIMEOUT_MS/);
    expect(() => loadConfig({ BOT_TOKEN, JOB_IDLE_TIMEOUT_MS: '10' })).toThrow(/JOB_IDLE_TIMEOUT_MS/);
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
