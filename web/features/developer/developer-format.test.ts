import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiKey, UsageItem } from '@cocoon/shared/protocol/developer';
import { limitText, parseLimit, spentToday, spentTotal, usageCost, usageDetail, utcToday } from './developer-format';
import { loadAreas } from '../../i18n';

beforeAll(() => loadAreas(['developer']));

const key = (over: Partial<ApiKey> = {}): ApiKey => ({
  id: '00000000-0000-4000-8000-000000000001',
  name: 'ci-bot',
  prefix: 'sk-cocoon-AbC123',
  limits: { total: null, daily: null, perRequest: null },
  spent: { total: 3_400_000n, today: 1_200_000n },
  held: 0n,
  createdAt: '2026-01-01T00:00:00.000Z',
  lastUsedAt: null,
  revokedAt: null,
  ...over,
});

const item = (over: Partial<UsageItem> = {}): UsageItem => ({
  id: '00000000-0000-4000-8000-000000000002',
  createdAt: '2026-01-01T10:00:00.000Z',
  finishedAt: '2026-01-01T10:00:01.000Z',
  keyId: '00000000-0000-4000-8000-000000000001',
  keyName: 'ci-bot',
  model: 'demo/tiny',
  hostId: 'host-1',
  promptTokens: 21,
  completionTokens: 3,
  cost: 12_300n,
  status: 'settled',
  errorCode: null,
  receiptId: 'ab'.repeat(32),
  ...over,
});

describe('developer screen formatting', () => {
  it('parses limits as typed: empty is no limit, invalid text is undefined', () => {
    expect(parseLimit('')).toBeNull();
    expect(parseLimit('  ')).toBeNull();
    expect(parseLimit('5')).toBe(5_000_000n);
    expect(parseLimit('0.25')).toBe(250_000n);
    expect(parseLimit('1,5')).toBe(1_500_000n);
    expect(parseLimit('0')).toBe(0n);
    expect(parseLimit('0.000001')).toBe(1n);
    for (const bad of ['-1', 'abc', '1e3', '1.0000001', '1000000001', '5 credits']) expect(parseLimit(bad), bad).toBeUndefined();
  });

  it('describes limits and spending against them', () => {
    expect(limitText(null)).toBe('No limit');
    expect(limitText(5_000_000n)).toBe('5 credits');
    expect(spentToday(key())).toBe('1.2 today');
    expect(spentToday(key({ limits: { total: null, daily: 5_000_000n, perRequest: null } }))).toBe('1.2 of 5 today');
    expect(spentTotal(key({ limits: { total: 10_000_000n, daily: null, perRequest: null } }))).toBe('3.4 of 10 total');
  });

  it('shows each request with its tokens, key and cost, and failures as free', () => {
    expect(usageDetail(item())).toBe('21 + 3 tokens · ci-bot');
    expect(usageCost(item())).toBe('−0.0123');
    const failed = item({ status: 'failed', errorCode: 'engine.unavailable', cost: 0n, promptTokens: null, completionTokens: null });
    expect(usageDetail(failed)).toBe('ci-bot · failed (engine.unavailable)');
    expect(usageCost(failed)).toBe('0');
    expect(usageCost(item({ status: 'streaming', cost: null }))).toBe('…');
    expect(usageDetail(item({ status: 'open', promptTokens: null, completionTokens: null, cost: null }))).toBe('ci-bot · in progress');
  });

  it('counts days in UTC, as the broker does', () => {
    expect(utcToday(new Date('2026-03-01T23:30:00-05:00'))).toBe('2026-03-02');
  });
});
