import { CocoonError } from '@cocoon/shared/errors';
import type { HostAgentConfig } from '../agent/host-agent';
import { isEnrolled, readEnrollment, type EnrollmentState } from '../agent/enrollment-state';
import { loadOrCreateNodeKey, type NodeKey } from '../agent/node-key';
import { parseBrokerList, type BrokerAddress } from '../broker-url';
import { gpuCommandEnv, type HostSettings } from '../config';
import { surveyGpus } from '../machine/nvidia-smi';
import { runCommand } from '../machine/run-command';
import { AGENT_VERSION } from '../version';

export interface AgentSetup {
  config: HostAgentConfig;
  brokers: BrokerAddress[];
  nodeKey: NodeKey & { created: boolean };
  /** The saved enrollment when it covers this node id and one of the brokers; else null (this run enrolls). */
  enrollment: EnrollmentState | null;
}

/**
 * The brokers to serve: configured ones, else the one `enroll` saved. Throws config.invalid when
 * there is none, since an agent with nowhere to connect can only be a setup mistake.
 */
export function resolveBrokers(settings: Pick<HostSettings, 'broker'>, saved: EnrollmentState | null): BrokerAddress[] {
  const list = settings.broker ?? (saved ? [saved.broker] : []);
  if (list.length === 0) {
    throw new CocoonError('config.invalid', 'no broker configured: run `cocoon-host enroll <token> --broker <url>` with the command from Add machine in the app, or set broker (COCOON_BROKER_URL)');
  }
  return parseBrokerList(list).brokers;
}

/** Everything `run` and `enroll` need before starting the agent: node key, brokers, enrollment, GPUs. */
export async function setUpAgent(settings: HostSettings, env: NodeJS.ProcessEnv): Promise<AgentSetup> {
  const nodeKey = await loadOrCreateNodeKey(settings.nodeKeyFile);
  const saved = readEnrollment(settings.nodeKeyFile);
  const brokers = resolveBrokers(settings, saved);
  const enrolled = isEnrolled(saved, nodeKey.hostId, brokers.map((b) => b.origin));
  const gpuEnv = gpuCommandEnv(env);
  const survey = await surveyGpus(runCommand(gpuEnv), settings.nvidiaSmi);
  const config: HostAgentConfig = {
    brokerUrls: brokers.map((b) => b.wsUrl),
    // Once enrolled the node key alone proves the machine: a leftover token is sent only if the broker asks.
    ...(settings.enrollToken && { enrollToken: settings.enrollToken }),
    enrolled,
    nodeKey,
    machine: { agentVersion: AGENT_VERSION, gpus: survey.gpus },
    engine: {
      url: settings.engineUrl,
      apiKey: settings.engineApiKey,
      name: settings.engineName,
      imageDigest: settings.engineImage,
      version: settings.engineVersion,
      args: settings.engineArgs,
      modelDigests: settings.modelDigests,
    },
    tee: settings.tee,
    pccsUrl: settings.pccsUrl,
    gpu: { mode: settings.gpu, ...(settings.gpuEvidenceCmd && { command: settings.gpuEvidenceCmd }), env: gpuEnv },
    priceCoefficientMilli: settings.priceCoefficientMilli,
    claimsTtlSeconds: settings.claimsTtlS,
    brokerHeartbeatMs: settings.brokerHeartbeatMs,
    maxConcurrentJobs: settings.maxConcurrentJobs,
    logLevel: settings.logLevel,
  };
  return { config, brokers, nodeKey, enrollment: enrolled ? saved : null };
}
