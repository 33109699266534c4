import type { WireError } from '@cocoon/shared/errors';
import type { AttestationBundle, Check, TeeKind } from '@cocoon/shared/protocol/attestation-bundle';
import type { ChatRequest, ChunkPayload, JobMeta, SealedChunk, SealedRequest } from '@cocoon/shared/protocol/jobs';

/**
 * The crypto worker's interface (web/crypto/worker.ts). All keys, HPKE contexts and verified
 * claims stay inside the worker; the UI only ever holds digests, job ids and plaintext it shows.
 * Every method resolves to a result value, never rejects: errors cross comlink as `{ code, message }`.
 */
export type Result<T> = { ok: true; value: T } | { ok: false; error: WireError };

/**
 * The operator policy a host was verified under (ARCHITECTURE.md, "The confidential path", step 4).
 * `signed`: verified against an operator key pinned in this build; `rejected`: keys are pinned but
 * the policy is missing, forged or expired, so no host passes; `unpinned`: a build without an
 * operator key (dev, e2e), which checks only the evidence itself and its own simulated-TEE flag.
 */
export interface AppliedPolicy {
  source: 'signed' | 'rejected' | 'unpinned';
  /** Base64url Ed25519 key that signed the policy (`signed` only). */
  signerPublicKey: string | null;
  /** Unix seconds (`signed` only). */
  expiresAt: number | null;
  /** How many released images the measurement allowlist names (`signed` only). */
  imageCount: number | null;
  /** The policy's sequence number (`signed` only): persist it; a lower one is refused from then on. */
  sequence: number | null;
  /** SHA-256 (hex) of the Mini App builds the operator published (`signed` only). */
  webBuilds: string[] | null;
  /** Whether a simulated TEE may pass: the policy's and the build's consent together. */
  allowSimulated: boolean;
  /** `policy.signature`: passed, failed with the reason, or skipped (no key pinned). */
  check: Check;
  error: WireError | null;
}

/** What the UI shows about a host: the outcome of every attestation check, by name. */
export interface HostVerification {
  /** Key of the verified claims inside the worker; pass it to `seal`. */
  bundleDigest: string;
  /** True only when every check passed under the policy: the only state that allows sealing. */
  verified: boolean;
  hostId: string | null;
  tee: TeeKind;
  simulated: boolean;
  checks: Check[];
  /** `contextLength`: the most tokens (prompt and answer) the model takes, where the host states it. */
  models: { name: string; weightsDigest: string; contextLength?: number }[];
  /** What the host says it runs (bound by its evidence); `allowedAs`: the policy entry it matched, if any. */
  engine: { name: string; version: string; imageDigest: string; args: string[]; agentConfigDigest: string; allowedAs: string | null } | null;
  /** Unix seconds; null when the claims could not be read. */
  expiresAt: number | null;
  /** What the evidence measured (lower-case hex by name: mrTd, rtmr0…, reportData), as verified. */
  measurements: Record<string, string>;
  /** Intel TCB status from collateral (`UpToDate`, …, or `NotEvaluated`); null for the simulated TEE. */
  tcbStatus: string | null;
  /** The released image the measurements matched in the policy, if any. */
  image: string | null;
  gpus: { device: string; vbiosVersion?: string; driverVersion?: string }[];
  /** The policy this verification ran under; null when the worker could not read the bundle. */
  policy: AppliedPolicy | null;
  error: WireError | null;
}

/** The enclave-signed receipt at the end of a stream, checked against the job the worker sealed. */
export interface ReceiptCheck {
  valid: boolean;
  error: WireError | null;
}

export interface OpenedChunk {
  payload: ChunkPayload;
  /** Present for the `end` payload only. */
  receipt: ReceiptCheck | null;
}

export interface CryptoWorkerApi {
  /**
   * Hands the worker the broker's signed policy (GET /api/attestation/policy) to verify against the
   * operator keys pinned in the build; every later `verifyHost` runs under what this decides.
   * `minSequence`: the newest policy sequence this device has seen (kept by the app); the worker
   * refuses an older policy, and keeps the newest it has seen itself.
   */
  setPolicy(signedPolicy: unknown, minSequence?: number): Promise<Result<AppliedPolicy>>;
  /** Verifies a host's bundle under the current policy; its first check is `policy.signature`. */
  verifyHost(bundle: AttestationBundle): Promise<Result<HostVerification>>;
  /** Seals to a host verified by `verifyHost`; refuses any other. Keeps the response keys by job id. */
  seal(bundleDigest: string, meta: JobMeta, request: ChatRequest): Promise<Result<SealedRequest>>;
  start(jobId: string, responseNonce: string): Promise<Result<null>>;
  open(jobId: string, chunk: SealedChunk): Promise<Result<OpenedChunk>>;
  /** Ends the job: fails with `envelope.stream_truncated` unless the final chunk was opened. Drops its keys either way. */
  finish(jobId: string): Promise<Result<null>>;
  /**
   * Readies the device's storage key (web/crypto/storage-seal.ts): the one kept in IndexedDB, else
   * one derived from `secret` (kept by Telegram's SecureStorage, so it survives a reinstall), else a new one.
   */
  storageUnlock(secret: Uint8Array | null): Promise<Result<'kept' | 'derived' | 'generated'>>;
  /** Encrypts a record kept on the device; `context` (store and id) must be the same to open it. */
  storageSeal(plain: Uint8Array, context: string): Promise<Result<Uint8Array>>;
  /** Opens a record sealed by `storageSeal` under the same `context`; `envelope.open_failed` otherwise. */
  storageOpen(sealed: Uint8Array, context: string): Promise<Result<Uint8Array>>;
}
