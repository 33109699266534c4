import { z } from 'zod';
import { loadLocalSettings } from '../config';
import { parseListenAddr } from '../ops/health-server';
import { ExitCodes } from './args';
import type { CliIo } from './io';

const HealthSchema = z.object({
  state: z.string(),
  hostId: z.string(),
  brokerConnected: z.boolean(),
  broker: z.string().nullable(),
  draining: z.boolean(),
  activeJobs: z.number(),
  maxConcurrentJobs: z.number(),
  priceCoefficientMilli: z.number(),
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
});

/** Where a client reaches a listen address: a wildcard listener is asked on loopback. */
function healthUrl(addr: string): string {
  const { host, port } = parseListenAddr(addr);
  const h = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}/healthz`;
}

/** `cocoon-host status`: the running agent's /healthz, printed; exit 1 when nothing answers. */
export async function status(opts: { config?: string; json: boolean }, io: CliIo): Promise<number> {
  const settings = loadLocalSettings({ env: io.env, file: opts.config });
  if (settings.metricsAddr === 'off') {
    io.err('status needs the agent\'s /healthz, but metricsAddr is off (COCOON_METRICS_ADDR): set it to e.g. 127.0.0.1:9477');
    return ExitCodes.failure;
  }
  const url = healthUrl(settings.metricsAddr);
  let body: unknown;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    body = await res.json();
  } catch (e) {
    io.err(`cocoon-host is not running (nothing answers at ${url}: ${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)})`);
    return ExitCodes.failure;
  }
  const h = HealthSchema.safeParse(body);
  if (!h.success) {
    io.err(`${url} answered, but not as cocoon-host does: is another program on ${settings.metricsAddr}?`);
    return ExitCodes.failure;
  }
  if (opts.json) {
    io.out(JSON.stringify(h.data, null, 2));
    return ExitCodes.ok;
  }
  const s = h.data;
  io.out(
    [
      `host      ${s.hostId}`,
      `state     ${s.state}${s.draining ? ' (draining: no new jobs)' : ''}`,
      `broker    ${s.brokerConnected ? `connected (${s.broker})` : 'not connected'}`,
      `jobs      ${s.activeJobs} running of ${s.maxConcurrentJobs}`,
      `price     ${(s.priceCoefficientMilli / 1000).toFixed(3)} x base`,
      ...(s.lastError ? [`error     ${s.lastError.code}: ${s.lastError.message}`] : []),
    ].join('\n'),
  );
  return ExitCodes.ok;
}
