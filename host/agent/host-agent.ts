import type { TeeProvider } from '@cocoon/shared/attestation/simulated';
import { resolveGpuEvidenceSource, type GpuEvidenceConfig } from '../attestation/gpu-evidence';
import { fetchCollateral } from '../attestation/pcs-collateral';
import { resolveTeeProvider } from '../attestation/tee-provider';
import { CocoonError, isCocoonError } from '@cocoon/shared/errors';
import { fromB64u } from '@cocoon/shared/protocol/encoding';
import { DEFAULT_HOST_CONCURRENT_JOBS } from '@cocoon/shared/protocol/ws-messages';
import { signHostHello } from '@cocoon/shared/receipt';
import { createEngineClient, type EngineClient } from '../engine/engine-client';
import { createBrokerLink, type BrokerLink } from './broker-link';
import { createEnclaveIdentity, type EnclaveIdentity } from './enclave-identity';
import { runJob } from './job-runner';
import { createLogger, type Logger } from './logger';
import { engineIdentity } from './agent-config-digest';
import { startEngine, type EngineConfig, type RunningEngine } from './engine-setup';

export interface HostAgentConfig {
  /** The broker's host endpoint, e.g. `ws://127.0.0.1:8080/api/host`. */
  brokerUrl: string;
  enrollToken: string;
  hostId: string;
  engine: EngineConfig;
  /** `auto`: TDX through configfs-tsm when present, else refuse to start; `simulated`: dev only. */
  tee: 'auto' | 'tdx' | 'simulated';
  /** Intel's PCS or a caching service (PCCS), PCS API v4: TDX bundles carry collateral from it. */
  pccsUrl: string;
  /** NVIDIA confidential-computing GPUs: whether and how their evidence is collected into the claims. */
  gpu: GpuEvidenceConfig;
  priceCoefficientMilli: number;
  claimsTtlSeconds: number;
  /** Pings to the broker: one silent for a whole interval is dropped and reconnected to (30 s unless told). */
  brokerHeartbeatMs?: number;
  /** Jobs run at once, stated to the broker (default DEFAULT_HOST_CONCURRENT_JOBS); a job beyond is refused with host.busy. */
  maxConcurrentJobs?: number;
  logLevel: string;
}

export interface HostAgent {
  /** Resolves once the broker has verified the bundle and welcomed the host. */
  start(): Promise<{ hostId: string; engineUrl: string }>;
  close(): Promise<void>;
  readonly identity: EnclaveIdentity | undefined;
}

/**
 * The GPU host agent: enclave identity, engine, broker link, jobs. See ARCHITECTURE.md,
 * "The confidential path". `main.ts` only reads config and handles signals.
 */
export function createHostAgent(config: HostAgentConfig, deps: { logger?: Logger; teeProvider?: TeeProvider } = {}): HostAgent {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const maxConcurrentJobs = config.maxConcurrentJobs ?? DEFAULT_HOST_CONCURRENT_JOBS;
  const jobs = new Map<string, AbortController>();
  let identity: EnclaveIdentity | undefined;
  let engine: RunningEngine | undefined;
  let link: BrokerLink | undefined;
  let refreshTimer: NodeJS.Timeout | undefined;

  const abortAll = () => {
    for (const c of jobs.values()) c.abort(new CocoonError('job.host_gone', 'broker connection lost'));
    jobs.clear();
  };

  function connect(id: EnclaveIdentity, client: EngineClient): Promise<void> {
    let welcomed: () => void = () => {};
    const ready = new Promise<void>((resolve) => (welcomed = resolve));
    link = createBrokerLink({
      url: config.brokerUrl,
      logger,
      heartbeatMs: config.brokerHeartbeatMs,
      onDisconnect: abortAll,
      async onMessage(msg, send) {
        switch (msg.type) {
          case 'host.challenge':
            return send({
              type: 'host.hello',
              protocol: 1,
              bundle: id.bundle(),
              enrollToken: config.enrollToken,
              challengeSignature: await signHostHello(fromB64u(msg.challenge), id.signing.privateKey),
              priceCoefficientMilli: config.priceCoefficientMilli,
              maxConcurrentJobs,
            });
          case 'host.welcome':
            logger.info({ hostId: msg.hostId }, 'enrolled with broker');
            return welcomed();
          case 'job.open': {
            // The broker keeps to the stated capacity; this holds even if it did not.
            if (jobs.size >= maxConcurrentJobs) {
              return send({ type: 'job.error', jobId: msg.meta.jobId, error: new CocoonError('host.busy', `this host runs at most ${maxConcurrentJobs} jobs at once`).toWire() });
            }
            const ctl = new AbortController();
            jobs.set(msg.meta.jobId, ctl);
            const started = Date.now();
            await runJob({
              meta: msg.meta, request: msg.request, price: msg.price, priceCoefficientMilli: config.priceCoefficientMilli,
              identity: id, engine: client, send, signal: ctl.signal, logger,
            }).finally(() => jobs.delete(msg.meta.jobId));
            return logger.info({ jobId: msg.meta.jobId, ms: Date.now() - started }, 'job finished');
          }
          case 'job.cancel':
            return jobs.get(msg.jobId)?.abort(new CocoonError('job.cancelled', 'cancelled by client'));
          case 'error':
            return logger.warn({ code: msg.error.code, reason: msg.error.message }, 'broker reported an error');
        }
      },
    });
    void link.start();
    return ready;
  }

  return {
    get identity() {
      return identity;
    },
    async start() {
      const provider = deps.teeProvider ?? (await resolveTeeProvider(config.tee, logger));
      engine = await startEngine(config.engine, logger, { tee: provider.kind });
      identity = await createEnclaveIdentity({
        hostId: config.hostId,
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
      await connect(identity, createEngineClient({ baseUrl: engine.url, apiKey: engine.apiKey }));
      return { hostId: config.hostId, engineUrl: engine.url };
    },
    async close() {
      clearInterval(refreshTimer);
      abortAll();
      await link?.close();
      await engine?.close();
    },
  };
}
