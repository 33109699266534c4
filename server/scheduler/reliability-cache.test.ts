import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { hosts, hostUptime, HostStatuses } from '../db/schema';
import { NEUTRAL } from '../hosts/reliability';
import { openTestDatabase, type TestDatabase } from '../tests/support/test-db';
import { ReliabilityCache } from './reliability-cache';

const DAY = 86_400_000;
const T0 = new Date(Date.UTC(2026, 5, 1));

describe('ReliabilityCache', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    const enrolled = new Date(T0.getTime() - 14 * DAY);
    await database.db.insert(hosts).values({ id: 'host-a', status: HostStatuses.online, teeKind: 'simulated', bundleDigest: 'x', lastSeen: T0, createdAt: enrolled });
    // Online the whole week: uptime 1 (success and TTFT neutral: no jobs yet).
    await database.db.insert(hostUptime).values({ hostId: 'host-a', startedAt: enrolled, endedAt: null });
  });
  afterAll(() => database.close());

  it('reads scores from the database once per TTL, serves the last one while refreshing, neutral for unknown hosts', async () => {
    let now = T0;
    const errors: unknown[] = [];
    const cache = new ReliabilityCache(database.db, { ttlMs: 1000, now: () => now, onError: (e) => errors.push(e) });
    const first = await cache.scores(['host-a', 'host-unknown']);
    expect(first.get('host-a')).toBeCloseTo(0.5 * 1 + 0.3 * 0.5 + 0.2 * 0.5, 3);
    expect(first.get('host-unknown')).toBe(NEUTRAL);

    // The machine goes offline for the week: within the TTL the cache still says what it read.
    await database.db.update(hostUptime).set({ endedAt: new Date(T0.getTime() - 7 * DAY) }).where(eq(hostUptime.hostId, 'host-a'));
    expect((await cache.scores(['host-a'])).get('host-a')).toBe(first.get('host-a'));

    // Past the TTL: the stale score once (a refresh starts in the background), then the new one.
    now = new Date(T0.getTime() + 1500);
    expect((await cache.scores(['host-a'])).get('host-a')).toBe(first.get('host-a'));
    await expect.poll(async () => (await cache.scores(['host-a'])).get('host-a')).toBeCloseTo(0.3 * 0.5 + 0.2 * 0.5, 3);
    expect(errors).toEqual([]);
  });
});
