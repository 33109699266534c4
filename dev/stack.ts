import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { EngineConfig } from '@cocoon/host/agent/engine-setup';
import { upsertTelegramUser } from '@cocoon/server/auth/users';
import { loadConfig, type ServerConfig } from '@cocoon/server/config';
import { createServer } from '@cocoon/server/app';
import { mintEnrollmentToken } from '@cocoon/server/hosts/enrollment-tokens';
import { signPolicy } from '@cocoon/shared/attestation/policy';
import { generateSigningKeyPair } from '@cocoon/shared/crypto/ed25519';
import { ModelsResponseSchema } from '@cocoon/shared/protocol/api';
import { toB64u } from '@cocoon/shared/protocol/encoding';
import { createDevExtensions, type BrokerDevExtensions } from './broker-extensions';
import { startDemoEngine, type DemoEngine } from './engine/demo-engine';

/**
 * The whole product on its embedded default: the broker in this process (PGlite) with the
 * development stand-ins (Bot API, local TON chain, dev routes), the demo llama.cpp engine on the
 * generated model in this process, and one host agent as a child process (simulated TEE) serving
 * from that engine. The agent enrolls as an owner's machine does: a demo GPU owner makes a one-time
 * token, and `cocoon-host run` uses it with a node key of its own (kept beside the database, so a
 * restarted `npm start` is the same machine).
 * Used by `npm start`, the end-to-end tests and `npm run bench`.
 */
/** The host agent's entry, run from source through tsx: development only. */
const HOST_MAIN = fileURLToPath(new URL('../host/main.ts', import.meta.url));

/** The owner the stack's machines are enrolled to (a Telegram user of the dev bot). */
export const DEMO_OWNER = { telegramId: 9_000_001n, firstName: 'Demo GPU owner' } as const;
/** What the agent prints once the broker welcomed it. */
const ONLINE_LINE = /^cocoon-host (\S+) is online/;

export interface StackOptions {
  port?: number;
  dataDir: string;
  botToken: string;
  webDist?: string;
  devMode?: boolean;
  /** The built-in host's name: its node key lives in `<dataDir>/../hosts/<name>/` (default host-local-1). */
  hostName?: string;
  logLevel?: string;
  /** Where the broker's JSON logs go (default: stdout). */
  logStream?: Writable;
  /** Where the host agent's output goes (default: inherited). */
  hostOutput?: (line: string) => void;
  env?: Record<string, string>;
  /**
   * Run the broker under an operator policy signed with a fresh development key (simulated TEE
   * allowed, the demo engine on the allowlist), as production runs under the real one: clients
   * that pin `Stack.policyKey` (the developer proxy) then verify hosts exactly as they would there.
   */
  operatorPolicy?: boolean;
  /**
   * An engine of the caller's instead of the demo engine (the e2e scripted engine, whose answers a
   * test sets): the built-in and further hosts serve from it and attest these claims, and no demo
   * engine is started. The caller owns it: `close()` leaves it running.
   */
  engine?: EngineConfig;
}

/** One host agent of the stack, online. */
export interface StackHost {
  name: string;
  /** Its node id, as the broker knows it. */
  hostId: string;
  child: ChildProcess;
}

export interface Stack {
  url: string;
  botToken: string;
  /** The demo GPU owner's user id: every machine of the stack is enrolled to it. */
  ownerId: string;
  /** The built-in host's node id. */
  hostId: string;
  host: ChildProcess;
  /** The broker's development stand-ins (Bot API, local chain). */
  dev: BrokerDevExtensions;
  engine: DemoEngine;
  /** The development operator key the broker's policy is signed with (base64url), with `operatorPolicy`. */
  policyKey?: string;
  /**
   * Starts a further host agent named `name` (its own node key; the same name is the same machine),
   * enrolled to the demo owner with a fresh token; resolves once the broker welcomed it.
   */
  startHost(name: string): Promise<StackHost>;
  waitForHosts(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const logLevel = opts.logLevel ?? 'info';
  const engine: DemoEngine = opts.engine ? { url: opts.engine.url, config: opts.engine, close: async () => {} } : await startDemoEngine();
  let config: ServerConfig;
  let policy: { file: string; key: string } | undefined;
  try {
    policy = opts.operatorPolicy ? await writeDevPolicy(opts.dataDir, engine) : undefined;
    config = loadConfig({
      PORT: String(opts.port ?? 0),
      BOT_TOKEN: opts.botToken,
      DATA_DIR: opts.dataDir,
      ALLOW_SIMULATED_TEE: 'true',
      DEV_MODE: opts.devMode ? 'true' : 'false',
      WEB_DIST: opts.webDist,
      LOG_LEVEL: logLevel,
      ...(policy && { ATTESTATION_POLICY_FILE: policy.file, ATTESTATION_POLICY_KEYS: policy.key }),
      ...opts.env,
    });
  } catch (e) {
    await engine.close();
    throw e;
  }
  const logger = pino({ level: logLevel, base: { svc: 'broker' } }, opts.logStream ?? process.stdout);
  const dev = createDevExtensions();
  const server = createServer(config, { logger, dev });
  const { url } = await server.start().catch(async (e: unknown) => {
    await engine.close();
    throw e;
  });
  const hosts = new Set<ChildProcess>();

  let ownerId: string;
  try {
    const services = server.services();
    const who = { ...DEMO_OWNER, username: undefined, authDate: new Date() };
    ownerId = (await upsertTelegramUser(services.database.db, services.ledger, who, config.STARTER_CREDITS)).id;
  } catch (e) {
    await server.close();
    await engine.close();
    throw e;
  }
  // Absolute: the agent refuses a relative node key path (npm start passes a relative data dir).
  const hostsDir = resolve(dirname(opts.dataDir), 'hosts');

  const startHost = async (name: string, timeoutMs = 90_000): Promise<StackHost> => {
    const keyDir = join(hostsDir, name);
    mkdirSync(keyDir, { recursive: true, mode: 0o700 });
    // Made as the owner's Add machine makes it; an agent already enrolled (a kept .data/) ignores it.
    const { token } = await mintEnrollmentToken(server.services().database.db, ownerId);
    const child = spawn(process.execPath, ['--import', 'tsx', HOST_MAIN, 'run'], {
      env: {
        ...process.env,
        COCOON_BROKER_URL: url.replace(/^http/, 'ws') + '/api/host',
        COCOON_ENROLL_TOKEN: token,
        COCOON_NODE_KEY_FILE: join(keyDir, 'node.key'),
        // Several agents on one machine: no shared metrics port.
        COCOON_METRICS_ADDR: 'off',
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
    hosts.add(child);
    child.once('exit', () => hosts.delete(child));
    const out = opts.hostOutput ?? ((line: string) => process.stderr.write(line + '\n'));
    const hostId = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`host agent ${name} not online after ${timeoutMs} ms`)), timeoutMs);
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`host agent ${name} exited (${code}) before it was online`));
      };
      child.once('exit', onExit);
      const onLine = (line: string) => {
        out(line);
        const m = ONLINE_LINE.exec(line);
        if (!m) return;
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(m[1]!);
      };
      for (const s of [child.stdout, child.stderr]) s?.setEncoding('utf8').on('data', (d: string) => d.split('\n').filter(Boolean).forEach(onLine));
    }).catch((e: unknown) => {
      child.kill('SIGKILL');
      throw e;
    });
    return { name, hostId, child };
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

  const close = async () => {
    await Promise.all([...hosts].map((h) => new Promise((r) => (h.exitCode !== null ? r(null) : (h.once('exit', r), h.kill('SIGTERM'))))));
    await server.close();
    await engine.close();
  };
  let first: StackHost;
  try {
    first = await startHost(opts.hostName ?? 'host-local-1');
    await waitForHosts(1);
  } catch (e) {
    await close();
    throw e;
  }
  return { url, botToken: opts.botToken, ownerId, hostId: first.hostId, host: first.child, dev, engine, policyKey: policy?.key, startHost, waitForHosts, close };
}

/**
 * A development operator policy, signed with a key made for this run: simulated TEEs allowed, no
 * TDX image, the demo engine (its image digest, version, arguments, model weights) the one allowed
 * engine. Its sequence is the time, so a kept database (`npm start`'s .data/) never sees a rollback.
 */
async function writeDevPolicy(dataDir: string, engine: DemoEngine): Promise<{ file: string; key: string }> {
  const operator = await generateSigningKeyPair();
  const now = Math.floor(Date.now() / 1000);
  const { imageDigest, version, args, modelDigests } = engine.config;
  const signed = await signPolicy({
    version: 2, sequence: now, allowSimulated: true, images: [], engines: [{ name: 'demo engine (development)', imageDigest, version, args, models: modelDigests }],
    acceptedTcbStatuses: ['UpToDate'], maxCollateralAgeDays: 30, webBuilds: [], gpuReferences: [], expiresAt: now + 30 * 86_400,
  }, operator);
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'dev-attestation-policy.json');
  writeFileSync(file, JSON.stringify(signed, null, 2));
  return { file, key: toB64u(operator.publicKey) };
}
