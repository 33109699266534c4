import { z } from 'zod';
import { B64uSchema, b64uBytes } from './encoding';
import { HostIdSchema, ModelNameSchema } from './attestation-bundle';
import { RequestSuites, requestSuiteParams, type RequestSuite } from './request-suite';
import { SignedReceiptSchema } from './receipt';

export const MAX_TOKENS_LIMIT = 4096;
/** Largest sealed request accepted (bytes of ciphertext before base64url). */
export const MAX_REQUEST_BYTES = 256 * 1024;

/** The plaintext of a job: what only the client and the enclave ever see. */
export const ChatRequestSchema = z.object({
  messages: z
    .array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string().max(100_000) }))
    .min(1)
    .max(256),
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().gt(0).max(1).optional(),
  seed: z.number().int().nonnegative().max(2 ** 31 - 1).optional(),
});
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

/**
 * The cleartext job metadata the broker needs. It is bound into the HPKE AAD, so the broker cannot
 * swap the model, the host or the token limit without the enclave refusing the request.
 */
export const JobMetaSchema = z.object({
  jobId: z.uuid(),
  hostId: HostIdSchema,
  model: ModelNameSchema,
  maxTokens: z.number().int().min(1).max(MAX_TOKENS_LIMIT),
  /**
   * The most the client accepts to pay as the host's price coefficient, in thousandths (as
   * COCOON's `max_coefficient`): the broker refuses a host that asks more.
   */
  maxCoefficientMilli: z.number().int().min(100).max(100_000),
});
export type JobMeta = z.infer<typeof JobMetaSchema>;

const sealedWith = <S extends RequestSuite>(suite: S) =>
  z.object({
    suite: z.literal(suite),
    enc: b64uBytes(requestSuiteParams[suite].encBytes),
    ciphertext: B64uSchema.min(1).max(Math.ceil((MAX_REQUEST_BYTES * 4) / 3)),
  });

/**
 * A sealed request as it crosses the broker: the HPKE suite it was sealed with (explicit, and bound
 * into the AAD), HPKE `enc` (its length fixed by the suite) and ciphertext, both base64url.
 */
export const SealedRequestSchema = z.discriminatedUnion('suite', [sealedWith(RequestSuites.xwing), sealedWith(RequestSuites.x25519)]);
export type SealedRequest = z.infer<typeof SealedRequestSchema>;

/** One sealed response chunk. `seq` and `final` are in clear so the client can tell errors apart. */
export const SealedChunkSchema = z.object({
  seq: z.number().int().nonnegative(),
  final: z.boolean(),
  data: B64uSchema.min(1).max(1_048_576),
});
export type SealedChunk = z.infer<typeof SealedChunkSchema>;

/** The plaintext inside a response chunk. */
export const ChunkPayloadSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('delta'), text: z.string() }),
  z.object({ type: z.literal('end'), receipt: SignedReceiptSchema }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type ChunkPayload = z.infer<typeof ChunkPayloadSchema>;

export const ResponseNonceSchema = b64uBytes(32);
