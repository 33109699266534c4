import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadConfig } from '@cocoon/server/config';
import { createServer } from '@cocoon/server/app';
import { ModelsResponseSchema } from '@cocoon/shared/protocol/api';
import { createDevExtensions, type BrokerDevExtensions } from './broker-extensions';
import { startDemoEngine, type DemoEngine } from './engine/demo-engine';

/**
 * The whole product on its embedded default: the broker in this process (PGlite) with the
 * development stand-ins (Bot API, local TON chain, dev routes), the demo llama.cpp engine on the
 * generated model in this process, and one host agent as a child process (simulated TEE) serving
 * from that engine.
 * Used by `npm start`, the end-to-end tests and `npm run bench`.
 */
/** The host agent's entry, run from source through tsx: development only. */
const HOST_MAIN = fileURLToPath(new URL('../host/main.ts', import.meta.url));

export interface StackOptions {
  port?: number;
  dataDir: string;
  botToken: string;
  webDist?: string;
  devMode?: boolean;
  hostId?: string;
  logLevel?: string;
  /** Where the broker's JSON logs go (default: stdout). */
  logStream?: Writable;
  /** Where the host agent's output goes (default: inherited). */
  hostOutput?: (line: string) => void;
  env?: Record<string, string>;
}

export interface Stack {
  url: string;
  botToken: string;
  enrollToken: string;
  hostId: string;
  host: ChildProcess;
  /** The broker's development stand-ins (Bot API, local chain). */
  dev: BrokerDevExtensions;
  engine: DemoEngine;
  /** Starts a further host agent with this id (e.g. after killing the first). */
  startHost(hostId: string): ChildProcess;
  waitForHosts(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const enrollToken = randomBytes(24).toString('base64url');
  const logLevel = opts.logLevel ?? 'info';
  const config = loadConfig({
    PORT: String(opts.port ?? 0),
    BOT_TOKEN: opts.botToken,
    DATA_DIR: opts.dataDir,
    HOST_ENROLL_TOKENS: enrollToken,
    ALLOW_SIMULATED_TEE: 'true',
    DEV_MODE: opts.devMode ? 'true' : 'false',
    WEB_DIST: opts.webDist,
    LOG_LEVEL: logLevel,
    ...opts.env,
  });
  const logger = pino({ level: logLevel, base: { svc: 'broker' } }, opts.logStream ?? process.stdout);
  const dev = createDevExtensions();
  const engine = await startDemoEngine();
  const server = createServer(config, { logger, dev });
  const { url } = await server.start().catch(async (e: unknown) => {
    await engine.close();
    throw e;
  });
  const hosts = new Set<ChildProcess>();

  const startHost = (hostId: string): ChildProcess => {
    const child = spawn(process.execPath, ['--import', 'tsx', HOST_MAIN], {
      env: {
        ...process.env,
        COCOON_BROKER_URL: url.replace(/^http/, 'ws') + '/api/host',
        COCOON_ENROLL_TOKEN: enrollToken,
        COCOON_HOST_ID: hostId,
        COCOON_TEE: 'simulated',
        COCOON_ENGINE_URL: engine.config.url,
        COCOON_ENGINE_NAME: engine.config.name,
        COCOON_ENGINE_IMAGE: engine.config.imageDigest,
        COCOON_ENGINE_VERSION: engine.config.version,
        COCOON_ENGINE_ARGS: JSON.stringify(engine.config.args),
        COCOON_MODEL_DIGESTS: JSON.stringify(engine.config.modelDigests),
        LOG_LEVEL: logLevel === 'silent' ? 'warn' : logLevel,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = opts.hostOutput ?? ((line: string) => process.stderr.write(line + '\n'));
    for (const s of [child.stdout, child.stderr]) s?.setEncoding('utf8').on('data', (d: string) => d.split('\n').filter(Boolean).forEach(out));
    hosts.add(child);
    child.once('exit', () => hosts.delete(child));
    return child;
  };

  const waitForHosts = async (count: number, timeoutMs = 90_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const res = await fetch(`${url}/api/models`).catch(() => undefined);
      if (res?.ok) {
        const { models } = ModelsResponseSchema.parse(await res.json());
        if (models.reduce((n, m) => Math.max(n, m.hostCount), 0) >= count) return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`no ${count} host(s) online after ${timeoutMs} ms`);
  };

  const hostId = opts.hostId ?? 'host-local-1';
  const host = startHost(hostId);
  const close = async () => {
    await Promise.all([...hosts].map((h) => new Promise((r) => (h.exitCode !== null ? r(null) : (h.once('exit', r), h.kill('SIGTERM'))))));
    await server.close();
    await engine.close();
  };
  try {
    await waitForHosts(1);
  } catch (e) {
    await close();
    throw e;
  }
  return { url, botToken: opts.botToken, enrollToken, hostId, host, dev, engine, startHost, waitForHosts, close };
}
