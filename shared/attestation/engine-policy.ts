import { CocoonError } from '../errors';
import type { Claims } from '../protocol/attestation-bundle';
import type { PolicyEngine } from './policy';

/**
 * Matches what the host says it runs (engine image digest, version, exact launch arguments, and
 * every served model's weights digest) against the policy's engine allowlist; returns the allowed
 * engine's name. An empty list admits nothing. The reason names the first field that differs from
 * the closest entry (same image), so an operator sees what to publish or fix.
 */
export function matchEngine(claims: Pick<Claims, 'engine' | 'models'>, engines: readonly PolicyEngine[]): string {
  if (engines.length === 0) throw new CocoonError('attestation.engine_not_allowed', 'the policy allows no engine');
  const mismatch = (e: PolicyEngine): string | undefined => {
    if (e.imageDigest !== claims.engine.imageDigest) return `image ${claims.engine.imageDigest.slice(0, 19)}... is not ${e.imageDigest.slice(0, 19)}...`;
    if (e.version !== claims.engine.version) return `version ${claims.engine.version} is not ${e.version}`;
    if (e.args.length !== claims.engine.args.length || e.args.some((a, i) => a !== claims.engine.args[i])) return `launch arguments ${JSON.stringify(claims.engine.args)} are not ${JSON.stringify(e.args)}`;
    for (const m of claims.models) {
      const allowed = e.models[m.name];
      if (allowed === undefined) return `model ${m.name} is not listed`;
      if (allowed !== m.weightsDigest) return `model ${m.name} has weights ${m.weightsDigest.slice(0, 16)}..., not ${allowed.slice(0, 16)}...`;
    }
    return undefined;
  };
  const allowed = engines.find((e) => mismatch(e) === undefined);
  if (allowed) return allowed.name;
  const closest = engines.find((e) => e.imageDigest === claims.engine.imageDigest);
  throw new CocoonError('attestation.engine_not_allowed', closest ? `engine "${closest.name}": ${mismatch(closest)}` : `engine image ${claims.engine.imageDigest.slice(0, 19)}... is in no allowed engine`);
}
