import { canonicalJson, sha256, toHex, utf8 } from '@cocoon/shared/protocol/encoding';
import type { EngineIdentity } from '@cocoon/shared/protocol/attestation-bundle';
import type { HostAgentConfig } from './host-agent';

/**
 * The agent's security-relevant configuration, without secrets (enrollment token, engine API
 * key): where it sends its bundles, which engine it talks to and how, how it attests. Its digest
 * goes into the claims, so an auditor can tell two configurations apart from the evidence alone.
 */
export function agentConfigSummary(config: HostAgentConfig): unknown {
  const { url, name, imageDigest, version, args, modelDigests } = config.engine;
  return {
    brokerUrls: config.brokerUrls,
    engine: { url, name, imageDigest, version, args, modelDigests },
    tee: config.tee,
    pccsUrl: config.pccsUrl,
    gpu: { mode: config.gpu.mode, command: config.gpu.command ?? null },
    claimsTtlSeconds: config.claimsTtlSeconds,
  };
}

/** The engine identity the claims state (ClaimsSchema.engine), matched by the operator's policy. */
export async function engineIdentity(config: HostAgentConfig): Promise<EngineIdentity> {
  const { name, imageDigest, version, args } = config.engine;
  return { name, imageDigest, version, args, agentConfigDigest: toHex(await sha256(utf8(canonicalJson(agentConfigSummary(config))))) };
}
