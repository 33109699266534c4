import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CocoonServer } from '../app';
import { openClient, sealJob } from './support/client';
import { createFakeIdentity, FakeHost } from './support/fake-host';
import { createScratchDatabase, dropScratchDatabase, postgresReachable } from './support/test-db';
import { buildTestServer, enrollToken, signIn, testConfig } from './support/test-server';

/** One sample's value from a Prometheus text exposition, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('broker metrics on the loopback METRICS_PORT', () => {
  let server: CocoonServer;
  let url: string;
  let metricsUrl: string;
  let host: FakeHost;

  beforeAll(async () => {
    ({ server } = buildTestServer({ METRICS_PORT: '0' }));
    const started = await server.start();
    url = started.url;
    metricsUrl = started.metricsUrl!;
    const id = await createFakeIdentity({ models: ['demo/tiny'] });
    host = await FakeHost.start(url.replace(/^http/, 'ws'), id, { enrollToken: await enrollToken({ server }) });
    const { token } = await signIn(server);
    const client = await openClient(url.replace(/^http/, 'ws'), token);
    const job = await sealJob(id);
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    await client.next('job.settled', 15_000);
  });
  afterAll(async () => server?.close());

  it('counts the job, its first token, its chunks, the sockets and the ledger operations', async () => {
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(sample(text, 'cocoon_jobs_total{outcome="settled",code=""}')).toBe(1);
    expect(sample(text, 'cocoon_time_to_first_token_seconds_count')).toBe(1);
    expect(sample(text, 'cocoon_chunks_relayed_total')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'cocoon_open_sockets{role="host"}')).toBe(1);
    expect(sample(text, 'cocoon_open_sockets{role="client"}')).toBe(1);
    expect(sample(text, 'cocoon_ledger_operation_seconds_count{op="place_hold",outcome="ok"}')).toBe(1);
    expect(sample(text, 'cocoon_ledger_operation_seconds_count{op="settle",outcome="ok"}')).toBe(1);
    expect(sample(text, 'cocoon_db_driver{driver="pglite"}')).toBe(1);
    expect(sample(text, 'cocoon_db_pool_connections{state="total"}')).toBeUndefined();
    expect(sample(text, 'cocoon_nats_round_trip_seconds_count')).toBe(0);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('is not on the public port, and the metrics port serves nothing else', async () => {
    expect(new URL(metricsUrl).port).not.toBe(new URL(url).port);
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    expect((await fetch(`${url}/api/metrics`)).status).toBe(404);
    expect((await fetch(metricsUrl.replace(/\/metrics$/, '/'))).status).toBe(404);
    expect((await fetch(metricsUrl, { method: 'POST' })).status).toBe(404);
  });

  it('is off unless METRICS_PORT is set, and a bad port is refused at boot', () => {
    expect(testConfig().METRICS_PORT).toBeUndefined();
    expect(testConfig({ METRICS_PORT: '9478' }).METRICS_PORT).toBe(9478);
    expect(() => testConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
    expect(() => testConfig({ METRICS_PORT: 'public' })).toThrow(/METRICS_PORT/);
  });

  it.skipIf(!postgresReachable)('reports the PostgreSQL pool', async () => {
    const databaseUrl = await createScratchDatabase();
    const { server: pg } = buildTestServer({ METRICS_PORT: '0', DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: '7' });
    try {
      const text = await (await fetch((await pg.start()).metricsUrl!)).text();
      expect(sample(text, 'cocoon_db_driver{driver="postgres"}')).toBe(1);
      expect(sample(text, 'cocoon_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'cocoon_db_pool_connections{state="total"}')).toBeLessThanOrEqual(7);
      expect(sample(text, 'cocoon_db_pool_connections{state="idle"}')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'cocoon_db_pool_connections{state="waiting"}')).toBe(0);
    } finally {
      await pg.close();
      await dropScratchDatabase(databaseUrl);
    }
  });
});
