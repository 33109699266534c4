import { z } from 'zod';
import { CocoonError, toWireError, type WireError } from '@cocoon/shared/errors';
import { bundleDigest, verifyBundle } from '@cocoon/shared/attestation/verify';
import { requestRecipient, sealRequest } from '@cocoon/shared/crypto/envelope';
import type { ResponseOpener } from '@cocoon/shared/crypto/response-stream';
import { AttestationBundleSchema, type Claims } from '@cocoon/shared/protocol/attestation-bundle';
import { fromB64u } from '@cocoon/shared/protocol/encoding';
import { MAX_CHUNK_DATA_BYTES } from '@cocoon/shared/protocol/chunk-frame';
import { ChatRequestSchema } from '@cocoon/shared/protocol/chat-request';
import { JobMetaSchema, ResponseNonceSchema, type JobMeta, type SealedChunk } from '@cocoon/shared/protocol/jobs';
import type { SignedReceipt } from '@cocoon/shared/protocol/receipt';
import { requestDigest, ResponseDigest, verifyReceipt } from '@cocoon/shared/receipt';
import type { CryptoWorkerApi, ReceiptCheck, Result } from './api';
import { describeVerification, refusedByPolicy } from './host-verification';
import { applyPolicy, initialPolicyState, loadPolicy, type PolicyOptions } from './operator-policy';
import { createStorageSealer, type StorageKeyStore } from './storage-seal';

/** A sealed chunk as the UI hands it over (its bytes transferred, not copied): checked at the worker's boundary. */
const SealedChunkInput = z.object({
  seq: z.number().int().nonnegative().max(0xffff_ffff),
  final: z.boolean(),
  data: z.instanceof(Uint8Array).refine((d) => d.length >= 1 && d.length <= MAX_CHUNK_DATA_BYTES, 'sealed chunk size out of range'),
}) satisfies z.ZodType<SealedChunk>;

interface Job {
  meta: JobMeta;
  opener: ResponseOpener;
  signingPublicKey: Uint8Array;
  requestDigest: string;
  /** Over the non-final chunks as relayed, to match the receipt's `responseDigest`. */
  responseDigest: ResponseDigest;
}

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = (error: WireError): Result<never> => ({ ok: false, error });

/** Runs `fn`, turning anything thrown into a wire error (the worker's one funnel). */
async function guard<T>(fn: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await fn());
  } catch (e) {
    return fail(toWireError(e));
  }
}

function parsed<T>(result: { success: true; data: T } | { success: false }, what: string): T {
  if (!result.success) throw new CocoonError('protocol.malformed_message', `${what} does not match its schema`);
  return result.data;
}

/** Bytes as the UI hands them over: checked at the worker's boundary. */
function bytesIn(input: unknown): Uint8Array {
  if (!(input instanceof Uint8Array)) throw new CocoonError('protocol.malformed_message', 'expected bytes');
  return input;
}

export interface CryptoServiceOptions extends PolicyOptions {
  now?: () => Date;
  /** Where the device's storage key is kept (IndexedDB in the worker; a fake in tests). */
  storageKeys?: StorageKeyStore;
}

/** Without a key store, a key that lasts as long as the worker. */
const memoryKeyStore = (): StorageKeyStore => {
  let kept: CryptoKey | null = null;
  return { load: async () => kept, save: async (key) => void (kept = key) };
};

/**
 * The crypto worker's state and logic, kept apart from comlink so it can be tested in Node.
 * The pinned operator keys and the simulated-TEE flag come from the build, never from the UI.
 * Verified claims are cached by bundle digest; a job's response opener lives until `finish`.
 */
export function createCryptoService(opts: CryptoServiceOptions): CryptoWorkerApi {
  const clock = { now: opts.now ?? (() => new Date()) };
  /** Verified hosts by bundle digest, valid until the earliest expiry of claims, certificates and collateral. */
  const verified = new Map<string, { claims: Claims; validUntil: number }>();
  const jobs = new Map<string, Job>();
  let policy = initialPolicyState(opts);
  /** The newest policy sequence seen: an older policy is a rollback, refused. */
  let policyFloor = 0;
  const storage = createStorageSealer(opts.storageKeys ?? memoryKeyStore());

  function jobFor(jobId: string): Job {
    const job = jobs.get(jobId);
    if (!job) throw new CocoonError('job.not_found', 'no sealed job with this id in this session');
    return job;
  }

  async function checkReceipt(job: Job, signed: SignedReceipt): Promise<ReceiptCheck> {
    if (!(await verifyReceipt(signed, job.signingPublicKey))) {
      return { valid: false, error: { code: 'receipt.signature_invalid', message: 'the receipt is not signed by the attested enclave' } };
    }
    const r = signed.receipt;
    const same = r.jobId === job.meta.jobId && r.hostId === job.meta.hostId && r.model === job.meta.model;
    const digestsMatch = r.requestDigest === job.requestDigest && r.responseDigest === job.responseDigest.hex();
    if (!same || !digestsMatch || r.completionTokens > job.meta.maxTokens) {
      return { valid: false, error: { code: 'receipt.mismatch', message: 'the receipt does not describe this request' } };
    }
    return { valid: true, error: null };
  }

  return {
    setPolicy: (signed, minSequence) =>
      guard(async () => {
        if (typeof minSequence === 'number' && Number.isSafeInteger(minSequence)) policyFloor = Math.max(policyFloor, minSequence);
        const next = await loadPolicy(signed, opts, clock.now(), policyFloor);
        if (next.kind === 'signed') policyFloor = Math.max(policyFloor, next.data.sequence);
        // Hosts verified under another policy must be verified again before anything is sealed to them.
        if (JSON.stringify(next) !== JSON.stringify(policy)) verified.clear();
        policy = next;
        return applyPolicy(policy, opts, clock.now()).applied;
      }),

    verifyHost: (input) =>
      guard(async () => {
        const bundle = parsed(AttestationBundleSchema.safeParse(input), 'attestation bundle');
        const digest = await bundleDigest(bundle);
        const now = clock.now();
        const { rules, applied } = applyPolicy(policy, opts, now);
        const result = rules ? await verifyBundle(bundle, { policy: rules, now }) : refusedByPolicy(bundle, applied);
        if (result.ok && result.claims) verified.set(digest, { claims: result.claims, validUntil: result.validUntil ?? result.claims.expiresAt * 1000 });
        else verified.delete(digest);
        return describeVerification(digest, bundle, result, applied);
      }),

    seal: (digest, metaInput, requestInput) =>
      guard(async () => {
        const meta = parsed(JobMetaSchema.safeParse(metaInput), 'job metadata');
        const request = parsed(ChatRequestSchema.safeParse(requestInput), 'chat request');
        const { applied } = applyPolicy(policy, opts, clock.now());
        if (applied.error) throw new CocoonError(applied.error.code, applied.error.message);
        const entry = verified.get(digest);
        if (!entry) throw new CocoonError('job.invalid_state', 'this host has not passed attestation in this session');
        if (entry.validUntil <= clock.now().getTime()) {
          verified.delete(digest);
          throw new CocoonError('attestation.claims_expired', 'the host attestation has expired (claims, certificates or collateral); verify it again');
        }
        const claims = entry.claims;
        if (claims.hostId !== meta.hostId) throw new CocoonError('attestation.host_mismatch', 'the job names a different host than the attested one');
        if (!claims.models.some((m) => m.name === meta.model)) throw new CocoonError('attestation.host_mismatch', 'the attested host does not serve this model');
        if (jobs.has(meta.jobId)) throw new CocoonError('job.invalid_state', 'job id already used');
        // X-Wing (post-quantum) always: a host whose claims offer no X-Wing key is refused, never sealed to with X25519.
        const { sealed, opener } = await sealRequest({ recipient: requestRecipient(claims), meta, request });
        jobs.set(meta.jobId, {
          meta,
          opener,
          signingPublicKey: fromB64u(claims.signingPublicKey),
          requestDigest: await requestDigest(sealed),
          responseDigest: new ResponseDigest(),
        });
        return sealed;
      }),

    start: (jobId, responseNonce) =>
      guard(async () => {
        await jobFor(jobId).opener.start(parsed(ResponseNonceSchema.safeParse(responseNonce), 'response nonce'));
        return null;
      }),

    open: (jobId, chunkInput) =>
      guard(async () => {
        const job = jobFor(jobId);
        const chunk = parsed(SealedChunkInput.safeParse(chunkInput), 'sealed chunk');
        const payload = await job.opener.open(chunk);
        if (!chunk.final) await job.responseDigest.update(chunk);
        const receipt = payload.type === 'end' ? await checkReceipt(job, payload.receipt) : null;
        return { payload, receipt };
      }),

    finish: (jobId) =>
      guard(async () => {
        const job = jobs.get(jobId);
        jobs.delete(jobId);
        if (!job) return null;
        job.opener.end();
        return null;
      }),

    storageUnlock: (secret) => guard(() => storage.unlock(secret instanceof Uint8Array ? secret : null)),
    storageSeal: (plain, context) => guard(() => storage.seal(bytesIn(plain), String(context))),
    storageOpen: (sealed, context) => guard(() => storage.open(bytesIn(sealed), String(context))),
  };
}
