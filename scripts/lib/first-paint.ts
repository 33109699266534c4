import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { chromium, type CDPSession } from '@playwright/test';
import Fastify from 'fastify';
import { installNotFound, registerWebApp } from '@cocoon/server/http/static';

/**
 * First contentful paint of the Mini App on a throttled phone (issue 13, item 7), for `npm run
 * bench`: Debian's Chromium with the CPU slowed 4x and a slow mobile network, the files served by
 * the broker's own static handler (server/http/static.ts: precompressed, cached), a fresh cache per run.
 */

/** The network profile: 400 ms round trip, 400 kbit/s down and up (DevTools' "3G", the slow end of 4G). */
export const SLOW_NETWORK = { latencyMs: 400, downKbit: 400, upKbit: 400 } as const;
export const CPU_SLOWDOWN = 4;
/** The flags of playwright.config.ts. */
const CHROMIUM = { executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'] };

export interface FirstPaint {
  fcpMs: number;
  /** Bytes on the wire (headers and bodies) until the load event; NaN paint: none within 60 s. */
  transferredBytes: number;
  /** Body bytes before decoding, scripts only, and how they were encoded (br, gzip, identity). */
  scriptBytes: number;
  encodings: string[];
}

/** Builds the Mini App for the bench into `outDir` (e2e mode: the mocked Telegram renders the app in a plain browser). */
export function buildForBench(outDir: string): string {
  execFileSync('npx', ['vite', 'build', '--mode', 'e2e', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { stdio: 'inherit' });
  return outDir;
}

async function throttle(cdp: CDPSession): Promise<void> {
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: SLOW_NETWORK.latencyMs,
    downloadThroughput: (SLOW_NETWORK.downKbit * 1000) / 8,
    uploadThroughput: (SLOW_NETWORK.upKbit * 1000) / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
}

/**
 * Loads the app `runs` times, each in a fresh browser context, and reads its first contentful paint.
 * `compressed: false` asks for the files as they are (`Accept-Encoding: identity`): the baseline.
 */
export async function benchFirstPaint(webDist: string, runs: number, compressed = true): Promise<FirstPaint[]> {
  const app = Fastify({ logger: false });
  await app.register((web) => registerWebApp(web, webDist));
  installNotFound(app, webDist);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/`;
  const browser = await chromium.launch(CHROMIUM);
  try {
    const results: FirstPaint[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, deviceScaleFactor: 3 });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await throttle(cdp);
      if (!compressed) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
      const requests = new Map<string, { script: boolean; encoding: string }>();
      const finished: { id: string; bytes: number }[] = [];
      cdp.on('Network.responseReceived', (e) => {
        const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
        requests.set(e.requestId, { script: e.type === 'Script', encoding: headers['content-encoding'] ?? 'identity' });
      });
      cdp.on('Network.loadingFinished', (e) => finished.push({ id: e.requestId, bytes: e.encodedDataLength }));
      await page.goto(url, { waitUntil: 'load' });
      const loaded = [...finished];
      const fcpMs = await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            new PerformanceObserver((list) => {
              const fcp = list.getEntriesByName('first-contentful-paint')[0];
              if (fcp) resolve(fcp.startTime);
            }).observe({ type: 'paint', buffered: true });
            setTimeout(() => resolve(Number.NaN), 60_000);
          }),
      );
      const scripts = loaded.filter((f) => requests.get(f.id)?.script);
      results.push({
        fcpMs,
        transferredBytes: loaded.reduce((sum, f) => sum + f.bytes, 0),
        scriptBytes: scripts.reduce((sum, f) => sum + f.bytes, 0),
        encodings: [...new Set(scripts.map((f) => requests.get(f.id)!.encoding))],
      });
      await context.close();
    }
    return results;
  } finally {
    await browser.close();
    await app.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function firstPaintLines(compressed: readonly FirstPaint[], plain: readonly FirstPaint[]): string[] {
  const n = SLOW_NETWORK;
  const fcp = (runs: readonly FirstPaint[]) => median(runs.map((r) => r.fcpMs));
  const row = (name: string, runs: readonly FirstPaint[]) =>
    `  ${name.padEnd(12)} first contentful paint ${fcp(runs).toFixed(0).padStart(6)} ms (median of ${runs.length})   transferred until load ${(median(runs.map((r) => r.transferredBytes)) / 1000).toFixed(1)} kB, scripts ${(median(runs.map((r) => r.scriptBytes)) / 1000).toFixed(1)} kB (${runs[0]?.encodings.join(', ') ?? 'none'})`;
  return [
    `Mini App first load (Chromium, CPU ${CPU_SLOWDOWN}x slower, network ${n.latencyMs} ms RTT, ${n.downKbit} kbit/s down, ${n.upKbit} kbit/s up, fresh cache; broker static handler)`,
    row('compressed', compressed),
    row('plain', plain),
    `  ratio (compressed / plain): first contentful paint x${(fcp(compressed) / fcp(plain)).toFixed(2)}`,
  ];
}
