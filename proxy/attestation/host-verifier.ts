import { verifySignedPolicy, type AttestationPolicy } from '@cocoon/shared/attestation/policy';
import { createVerifierCache } from '@cocoon/shared/attestation/verifier-cache';
import { CocoonError } from '@cocoon/shared/errors';
import type { AttestationBundle, Claims, TeeKind } from '@cocoon/shared/protocol/attestation-bundle';
import { canonicalJson } from '@cocoon/shared/protocol/encoding';
import type { BrokerApi } from '../broker/broker-api';
import type { Logger } from '../logger';
import type { PolicyState } from '../records/policy-state';

/** How often the operator's signed policy is fetched again (sooner when it expires). */
const POLICY_REFRESH_MS = 5 * 60_000;

/** A host whose bundle passed every check under the operator's policy: the keys to seal to and check receipts with. */
export interface VerifiedHost {
  hostId: string;
  claims: Claims;
  tee: TeeKind;
  /** Unix ms: the verdict holds until then (claims, certificates and collateral all still valid). */
  validUntil: number;
}

export interface HostVerifierOptions {
  api: BrokerApi;
  /** Pinned operator keys; empty only with `allowUnverifiedDev`. */
  policyKeys: readonly string[];
  /** This proxy's consent to simulated TEEs (the signed policy must allow them too). */
  allowSimulated: boolean;
  allowUnverifiedDev: boolean;
  policyState: PolicyState;
  logger: Logger;
  now?: () => Date;
}

/**
 * Verifies hosts the way the Mini App's worker does (ARCHITECTURE.md, "The confidential path",
 * steps 3-4), and fails closed: the operator's signed policy is checked against the pinned keys
 * (signature, expiry, never older than the newest seen here), then each host's bundle under it
 * with the shared verifier. A verdict is kept until it expires, so a host's bundle is fetched
 * (and revalidated by its ETag) only when needed. Anything that cannot be checked throws, and the
 * caller sends nothing.
 */
export class HostVerifier {
  private rulesCache: { rules: AttestationPolicy; key: string; until: number } | undefined;
  private readonly verdicts = new Map<string, { verified: VerifiedHost; rulesKey: string; bundle: AttestationBundle; etag: string | null }>();
  private readonly cache = createVerifierCache();
  private readonly now: () => Date;

  constructor(private readonly opts: HostVerifierOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  /** The rules hosts are verified under now. Throws `attestation.policy_*` when no host may pass. */
  async rules(): Promise<{ rules: AttestationPolicy; key: string }> {
    const now = this.now();
    if (this.rulesCache && now.getTime() < this.rulesCache.until) return this.rulesCache;
    const { rules, expiresAt } = this.opts.policyKeys.length > 0 ? await this.signedRules(now) : await this.developmentRules();
    const key = canonicalJson(rules);
    this.rulesCache = { rules, key, until: Math.min(expiresAt, now.getTime() + POLICY_REFRESH_MS) };
    return this.rulesCache;
  }

  /**
   * `hostId`'s attested identity for `model`, verified under the current rules.
   * @throws CocoonError with the failing check's code (`attestation.*`), or the broker's
   */
  async verify(credential: string, hostId: string, model: string): Promise<VerifiedHost> {
    const { rules, key } = await this.rules();
    const now = this.now();
    const known = this.verdicts.get(hostId);
    if (known && known.rulesKey === key && now.getTime() < known.verified.validUntil) return known.verified;
    this.verdicts.delete(hostId);
    const answer = await this.opts.api.bundle(credential, hostId, known?.etag ?? undefined);
    const { bundle, etag } = answer.kind === 'bundle' ? answer : { bundle: known!.bundle, etag: known!.etag };
    const result = await this.cache.verify(bundle, { policy: rules, now });
    if (!result.ok || !result.claims || result.validUntil === undefined) {
      const failed = result.checks.find((c) => !c.ok && !c.skipped);
      const error = result.error ?? { code: 'internal' as const, message: 'verification failed' };
      this.opts.logger.warn({ hostId, check: failed?.name, code: error.code }, 'host failed verification: nothing is sent to it');
      throw new CocoonError(error.code, `host ${hostId} failed attestation${failed ? ` (${failed.name})` : ''}: ${error.message}`);
    }
    if (result.claims.hostId !== hostId) throw new CocoonError('attestation.host_mismatch', `the bundle served for host ${hostId} attests host ${result.claims.hostId}`);
    if (!result.claims.models.some((m) => m.name === model)) throw new CocoonError('job.model_unavailable', `host ${hostId} does not attest model ${model}`);
    const verified: VerifiedHost = { hostId, claims: result.claims, tee: result.tee, validUntil: result.validUntil };
    this.verdicts.set(hostId, { verified, rulesKey: key, bundle, etag });
    return verified;
  }

  /** Drops a host's verdict (its keys no longer open requests: it restarted): the next job fetches its bundle again. */
  forget(hostId: string): void {
    this.verdicts.delete(hostId);
  }

  private async signedRules(now: Date): Promise<{ rules: AttestationPolicy; expiresAt: number }> {
    const signed = await this.opts.api.signedPolicy();
    if (signed === null || signed === undefined) throw new CocoonError('attestation.policy_invalid', 'the broker serves no signed attestation policy, and this proxy requires one (its operator keys are pinned)');
    const data = await verifySignedPolicy(signed, this.opts.policyKeys, now, { minSequence: await this.opts.policyState.newestSequence() });
    await this.opts.policyState.record(data.sequence);
    const { version: _version, expiresAt, sequence: _sequence, webBuilds: _webBuilds, ...rules } = data;
    return { rules: { ...rules, allowSimulated: rules.allowSimulated && this.opts.allowSimulated }, expiresAt: expiresAt * 1000 };
  }

  private async developmentRules(): Promise<{ rules: AttestationPolicy; expiresAt: number }> {
    if (!(await this.opts.api.isDevelopmentBroker())) {
      throw new CocoonError('attestation.policy_invalid', 'no operator policy key is pinned, and the broker is not a development broker: refusing to send (pin one with --policy-key)');
    }
    this.opts.logger.warn('no operator policy key pinned: hosts are verified under the development rules (simulated TEEs allowed), against a development broker');
    return { rules: { allowSimulated: true }, expiresAt: Infinity };
  }
}
