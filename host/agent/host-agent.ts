import type { TeeProvider } from '@cocoon/shared/attestation/simulated';
import { resolveGpuEvidenceSource, type GpuEvidenceConfig } from '../attestation/gpu-evidence';
import { fetchCollateral } from '../attestation/pcs-collateral';
import { resolveTeeProvider } from '../attestation/tee-provider';
import { CocoonError, isCocoonError, type ErrorCode } from '@cocoon/shared/errors';
import { fromB64u } from '@cocoon/shared/protocol/encoding';
import { signNodeHello } from '@cocoon/shared/protocol/node-key';
import { DEFAULT_HOST_CONCURRENT_JOBS, type HostToBroker, type MachineInfo } from '@cocoon/shared/protocol/ws-messages';
import { signHostHello } from '@cocoon/shared/receipt';
import { createEngineClient, type EngineClient } from '../engine/engine-client';
import { createHostMetrics, type HostMetrics } from '../ops/metrics';
import { createBrokerLink, type BrokerLink } from './broker-link';
import { createEnclaveIdentity, type EnclaveIdentity } from './enclave-identity';
import { JobGate } from './chunk-stream';
import { runJob, type JobResult } from './job-runner';
import { createLogger, type Logger } from './logger';
import { engineIdentity } from './agent-config-digest';
import { startEngine, type EngineConfig, type RunningEngine } from './engine-setup';
import type { NodeKey } from './node-key';

export interface HostAgentConfig {
  /** The broker's host endpoints, e.g. `wss://broker.example/api/host`, tried in turn on reconnection. */
  brokerUrls: string[];
  /** The one-time enrollment token: sent until a broker welcomes this node id, never after. */
  enrollToken?: string;
  /**
   * The machine's saved enrollment says a broker knows it: the token is held back, and sent only
   * if the broker answers `host.not_enrolled` (its records were reset, or it is another broker).
   */
  enrolled?: boolean;
  /** The machine's persistent node key: its public key is the host id. */
  nodeKey: NodeKey;
  /** What the machine reports of itself for its owner (GPUs from nvidia-smi, agent version). */
  machine?: MachineInfo;
  engine: EngineConfig;
  /** `auto`: TDX through configfs-tsm when present, else refuse to start; `simulated`: dev only. */
  tee: 'auto' | 'tdx' | 'simulated';
  /** Intel's PCS or a caching service (PCCS), PCS API v4: TDX bundles carry collateral from it. */
  pccsUrl: string;
  /** NVIDIA confidential-computing GPUs: whether and how their evidence is collected into the claims. */
  gpu: GpuEvidenceConfig;
  /** Thousandths of the base price; the owner can change it from the app (host.settings). */
  priceCoefficientMilli: number;
  claimsTtlSeconds: number;
  /** Pings to the broker: one silent for a whole interval is dropped and reconnected to (30 s unless told). */
  brokerHeartbeatMs?: number;
  /** Reconnection backoff bounds (250 ms .. 15 s unless told). */
  reconnect?: { minMs: number; maxMs: number };
  /** Jobs run at once, stated to the broker (default DEFAULT_HOST_CONCURRENT_JOBS); a job beyond is refused with host.busy. */
  maxConcurrentJobs?: number;
  logLevel: string;
}

export type HostState = 'starting' | 'connecting' | 'online' | 'draining' | 'stopped';

export interface HostHealth {
  state: HostState;
  hostId: string;
  brokerConnected: boolean;
  /** The broker endpoint that welcomed this connection, while connected. */
  broker: string | null;
  draining: boolean;
  activeJobs: number;
  maxConcurrentJobs: number;
  priceCoefficientMilli: number;
  /** While not ready: the error that stops this host (e.g. a refused enrollment). */
  lastError: { code: string; message: string } | null;
}

export interface HostAgent {
  /** Resolves once the broker has verified the bundle and welcomed the host; rejects on a refusal that retrying cannot fix. */
  start(): Promise<{ hostId: string; engineUrl: string; brokerUrl: string }>;
  /**
   * Stops taking jobs (tells the broker `host.drain`, refuses new ones with host.busy), waits up
   * to `timeoutMs` for the running ones, then closes. Resolves with whether all finished in time.
   */
  drain(timeoutMs: number): Promise<{ finished: boolean }>;
  close(): Promise<void>;
  health(): HostHealth;
  readonly metrics: HostMetrics;
  readonly identity: EnclaveIdentity | undefined;
}

/** Broker refusals no reconnection can fix: the owner must act (new token, re-enroll). */
const FATAL_CODES: ReadonlySet<string> = new Set<ErrorCode>(['host.enroll_token_invalid', 'host.node_key_mismatch', 'host.removed', 'host.not_enrolled']);

/**
 * The GPU host agent: enclave identity, engine, broker link, jobs. See ARCHITECTURE.md,
 * "The confidential path". `main.ts` only reads config and handles signals.
 */
export function createHostAgent(
  config: HostAgentConfig,
  deps: { logger?: Logger; teeProvider?: TeeProvider; metrics?: HostMetrics; onFatal?: (e: CocoonError) => void } = {},
): HostAgent {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const metrics = deps.metrics ?? createHostMetrics();
  const maxConcurrentJobs = config.maxConcurrentJobs ?? DEFAULT_HOST_CONCURRENT_JOBS;
  const hostId = config.nodeKey.hostId;
  const jobs = new Map<string, { ctl: AbortController; gate: JobGate; done: Promise<void> }>();
  let identity: EnclaveIdentity | undefined;
  let engine: RunningEngine | undefined;
  let link: BrokerLink | undefined;
  let refreshTimer: NodeJS.Timeout | undefined;
  let state: HostState = 'starting';
  let connectedTo: string | null = null;
  let enrollToken = config.enrolled ? undefined : config.enrollToken;
  let heldToken = config.enrolled ? config.enrollToken : undefined;
  let priceCoefficientMilli = config.priceCoefficientMilli;
  let lastError: HostHealth['lastError'] = null;
  const jobsIdle: (() => void)[] = [];

  const abortAll = () => {
    for (const j of jobs.values()) j.ctl.abort(new CocoonError('job.host_gone', 'broker connection lost'));
  };

  const record = (r: JobResult) => {
    metrics.jobFinished(r.outcome);
    metrics.tokens('prompt', r.promptTokens);
    metrics.tokens('completion', r.completionTokens);
    if (r.errorCode) metrics.error(r.errorCode);
    if (r.ttftMs !== undefined) metrics.ttft(r.ttftMs / 1000);
    if (r.engineMs !== undefined) metrics.engineLatency(r.engineMs / 1000);
  };

  const refuse = (send: (m: HostToBroker) => void, jobId: string, message: string) => {
    metrics.jobFinished('refused');
    metrics.error('host.busy');
    send({ type: 'job.error', jobId, error: new CocoonError('host.busy', message).toWire() });
  };

  function connect(id: EnclaveIdentity, client: EngineClient): Promise<string> {
    let welcomed: (url: string) => void = () => {};
    let refused: (e: CocoonError) => void = () => {};
    const ready = new Promise<string>((resolve, reject) => ((welcomed = resolve), (refused = reject)));
    state = 'connecting';
    link = createBrokerLink({
      urls: config.brokerUrls,
      logger,
      heartbeatMs: config.brokerHeartbeatMs,
      minBackoffMs: config.reconnect?.minMs,
      maxBackoffMs: config.reconnect?.maxMs,
      onDisconnect: () => {
        connectedTo = null;
        if (state === 'online') state = 'connecting';
        abortAll();
      },
      async onMessage(msg, conn, url) {
        const send = conn.send;
        switch (msg.type) {
          case 'host.challenge': {
            const challenge = fromB64u(msg.challenge);
            return send({
              type: 'host.hello',
              protocol: 1,
              bundle: id.bundle(),
              ...(enrollToken && { enrollToken }),
              challengeSignature: await signHostHello(challenge, id.signing.privateKey),
              nodeSignature: await signNodeHello(challenge, hostId, config.nodeKey.privateKey),
              ...(config.machine && { machine: config.machine }),
              priceCoefficientMilli,
              maxConcurrentJobs,
            });
          }
          case 'host.welcome':
            // Enrolled: the token was one-time, and later connections prove the node key alone.
            enrollToken = undefined;
            heldToken = undefined;
            connectedTo = url;
            lastError = null;
            link?.accepted();
            if (state === 'connecting') state = 'online';
            // A drain that began while disconnected still has to reach this broker.
            if (state === 'draining') send({ type: 'host.drain' });
            logger.info({ hostId: msg.hostId, broker: url }, 'welcomed by broker');
            return welcomed(url);
          case 'host.settings':
            logger.info({ from: priceCoefficientMilli, to: msg.priceCoefficientMilli }, 'price coefficient changed by the owner; used from the next job');
            priceCoefficientMilli = msg.priceCoefficientMilli;
            return;
          case 'job.open': {
            const jobId = msg.meta.jobId;
            if (state === 'draining') return refuse(send, jobId, 'this host is draining before it stops');
            // The broker keeps to the stated capacity; this holds even if it did not.
            if (jobs.size >= maxConcurrentJobs) return refuse(send, jobId, `this host runs at most ${maxConcurrentJobs} jobs at once`);
            const ctl = new AbortController();
            const gate = new JobGate(ctl.signal);
            const started = Date.now();
            const done = runJob({
              meta: msg.meta, request: msg.request, price: msg.price, priceCoefficientMilli,
              identity: id, engine: client, channel: conn, gate, signal: ctl.signal, logger,
            }).then(
              (r) => {
                record(r);
                logger.info({ jobId, outcome: r.outcome, ms: Date.now() - started }, 'job finished');
              },
              (e: unknown) => {
                metrics.jobFinished('failed');
                metrics.error(isCocoonError(e) ? e.code : 'internal');
                logger.error({ jobId, err: e instanceof Error ? e.message : String(e) }, 'job failed');
              },
            ).finally(() => {
              jobs.delete(jobId);
              if (jobs.size === 0) jobsIdle.splice(0).forEach((f) => f());
            });
            jobs.set(jobId, { ctl, gate, done });
            return done;
          }
          case 'job.cancel':
            return jobs.get(msg.jobId)?.ctl.abort(new CocoonError('job.cancelled', 'cancelled by client'));
          // Backpressure: the job's reader is behind (or caught up); only that job waits.
          case 'job.pause':
            return jobs.get(msg.jobId)?.gate.pause();
          case 'job.resume':
            return jobs.get(msg.jobId)?.gate.resume();
          case 'error': {
            metrics.error(msg.error.code);
            if (msg.error.code === 'host.not_enrolled' && heldToken) {
              // The broker closes this connection; the next one enrolls with the token.
              logger.warn('the broker does not know this machine: enrolling again with the configured token');
              enrollToken = heldToken;
              heldToken = undefined;
              return;
            }
            if (!FATAL_CODES.has(msg.error.code)) return logger.warn({ code: msg.error.code, reason: msg.error.message }, 'broker reported an error');
            const e = new CocoonError(msg.error.code, msg.error.message);
            lastError = { code: e.code, message: e.message };
            logger.error({ code: e.code, reason: e.message }, 'the broker refused this machine; not reconnecting');
            void link?.close();
            state = 'stopped';
            refused(e);
            return deps.onFatal?.(e);
          }
        }
      },
    });
    void link.start();
    return ready;
  }

  async function close() {
    clearInterval(refreshTimer);
    abortAll();
    state = 'stopped';
    await link?.close();
    await engine?.close();
  }

  return {
    metrics,
    get identity() {
      return identity;
    },
    health: () => ({
      state,
      hostId,
      brokerConnected: connectedTo !== null,
      broker: connectedTo,
      draining: state === 'draining',
      activeJobs: jobs.size,
      maxConcurrentJobs,
      priceCoefficientMilli,
      lastError,
    }),
    async start() {
      const provider = deps.teeProvider ?? (await resolveTeeProvider(config.tee, logger));
      engine = await startEngine(config.engine, logger, { tee: provider.kind });
      identity = await createEnclaveIdentity({
        hostId,
        models: engine.models,
        engine: await engineIdentity(config),
        provider,
        claimsTtlSeconds: config.claimsTtlSeconds,
        collateral: { fetch: (quote) => fetchCollateral(quote, { baseUrl: config.pccsUrl }), logger },
        gpuEvidence: resolveGpuEvidenceSource(config.gpu, logger),
      });
      logger.info({ gpus: identity.claims().gpuEvidenceDigests.length }, 'enclave attested');
      // Re-attest well before the claims expire, so clients never see an expired bundle.
      refreshTimer = setInterval(() => {
        identity!.reattest().then(
          (bundle) => link?.send({ type: 'host.refresh', bundle }),
          // The current bundle stays valid until it expires; the next round tries again.
          (e: unknown) => logger.error({ code: isCocoonError(e) ? e.code : 'internal', err: e instanceof Error ? e.message : String(e) }, 're-attestation failed'),
        );
      }, config.claimsTtlSeconds * 800);
      refreshTimer.unref();
      const brokerUrl = await connect(identity, createEngineClient({ baseUrl: engine.url, apiKey: engine.apiKey }));
      return { hostId, engineUrl: engine.url, brokerUrl };
    },
    async drain(timeoutMs) {
      if (state === 'stopped') return { finished: true };
      state = 'draining';
      link?.send({ type: 'host.drain' });
      logger.info({ activeJobs: jobs.size, timeoutMs }, 'draining: no new jobs; waiting for the running ones');
      let timer: NodeJS.Timeout | undefined;
      const finished =
        jobs.size === 0 ||
        (await Promise.race([
          new Promise<boolean>((r) => jobsIdle.push(() => r(true))),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs))),
        ]));
      clearTimeout(timer);
      if (!finished) logger.warn({ activeJobs: jobs.size }, 'drain timeout: stopping with jobs still running');
      await close();
      return { finished };
    },
    close,
  };
}
