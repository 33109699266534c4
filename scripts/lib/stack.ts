import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../server/config';
import { createServer } from '../../server/app';
import { ModelsResponseSchema } from '../../shared/protocol/api';

/**
 * The whole product on its embedded default: the broker in this process (PGlite), one host agent
 * as a child process (simulated TEE, built-in llama.cpp engine on the generated demo model).
 * Used by `npm start`, the end-to-end tests and `npm run bench`.
 */
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
  const server = createServer(config, { logger });
  const { url } = await server.start();
  const hosts = new Set<ChildProcess>();

  const startHost = (hostId: string): ChildProcess => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'host/main.ts'], {
      env: {
        ...process.env,
        COCOON_BROKER_URL: url.replace(/^http/, 'ws') + '/api/host',
        COCOON_ENROLL_TOKEN: enrollToken,
        COCOON_HOST_ID: hostId,
        COCOON_TEE: 'simulated',
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
  };
  try {
    await waitForHosts(1);
  } catch (e) {
    await close();
    throw e;
  }
  return { url, botToken: opts.botToken, enrollToken, hostId, host, startHost, waitForHosts, close };
}
