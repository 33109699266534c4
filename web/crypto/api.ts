import type { AttestationPolicy } from '../../shared/attestation/verify';
import type { WireError } from '../../shared/errors';
import type { AttestationBundle, Check, TeeKind } from '../../shared/protocol/attestation-bundle';
import type { ChatRequest, ChunkPayload, JobMeta, SealedChunk, SealedRequest } from '../../shared/protocol/jobs';

/**
 * The crypto worker's interface (web/crypto/worker.ts). All keys, HPKE contexts and verified
 * claims stay inside the worker; the UI only ever holds digests, job ids and plaintext it shows.
 * Every method resolves to a result value, never rejects: errors cross comlink as `{ code, message }`.
 */
export type Result<T> = { ok: true; value: T } | { ok: false; error: WireError };

export type { AttestationPolicy };

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
  models: { name: string; weightsDigest: string }[];
  engine: string | null;
  /** Unix seconds; null when the claims could not be read. */
  expiresAt: number | null;
  /** What the evidence measured (lower-case hex by name: mrTd, rtmr0…, reportData), as verified. */
  measurements: Record<string, string>;
  /** Intel TCB status from collateral (`UpToDate`, …, or `NotEvaluated`); null for the simulated TEE. */
  tcbStatus: string | null;
  /** The released image the measurements matched in the policy, if any. */
  image: string | null;
  gpus: { device: string; vbiosVersion?: string; driverVersion?: string }[];
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
  verifyHost(bundle: AttestationBundle, policy: AttestationPolicy): Promise<Result<HostVerification>>;
  /** Seals to a host verified by `verifyHost`; refuses any other. Keeps the response keys by job id. */
  seal(bundleDigest: string, meta: JobMeta, request: ChatRequest): Promise<Result<SealedRequest>>;
  start(jobId: string, responseNonce: string): Promise<Result<null>>;
  open(jobId: string, chunk: SealedChunk): Promise<Result<OpenedChunk>>;
  /** Ends the job: fails with `envelope.stream_truncated` unless the final chunk was opened. Drops its keys either way. */
  finish(jobId: string): Promise<Result<null>>;
}
