import { z } from 'zod';
import { B64uSchema, b64uBytes } from './encoding';
import { HostIdSchema, ModelNameSchema } from './attestation-bundle';
import { RequestSuites, requestSuiteParams, type RequestSuite } from './request-suite';
import { SignedReceiptSchema } from './receipt';

export const MAX_TOKENS_LIMIT = 4096;
/** Largest sealed request accepted (bytes of ciphertext before base64url). */
export const MAX_REQUEST_BYTES = 256 * 1024;

/*
 * The plaintext of a job, ChatRequestSchema, is in ./chat-request.ts: only the client's crypto
 * worker and the enclave parse it, so the Mini App's first load needs none of its schemas.
 */
export type { ChatRequest } from './chat-request';

/**
 * A positive amount of micro-credits as a decimal string without leading zeros: one spelling per
 * amount, so it can be bound into the AAD byte for byte. Read it with `BigInt()`.
 */
export const MicroCreditsStringSchema = z.string().regex(/^[1-9][0-9]{0,17}$/, 'expected a positive integer string of micro-credits');

/**
 * The cleartext job metadata the broker needs. It is bound into the HPKE AAD, so the broker cannot
 * swap the model, the host, the token limit or the price cap without the enclave refusing the request.
 */
export const JobMetaSchema = z.object({
  jobId: z.uuid(),
  hostId: HostIdSchema,
  model: ModelNameSchema,
  maxTokens: z.number().int().min(1).max(MAX_TOKENS_LIMIT),
  /**
   * The most this message may cost, in micro-credits: the user's "max price per message". The
   * broker refuses a job whose hold (its worst case at the host's price) is above it, so it never
   * holds or settles more; the enclave refuses one whose worst case at its own price is above it.
   */
  maxCharge: MicroCreditsStringSchema,
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

/**
 * One sealed response chunk, decoded from its binary frame (shared/protocol/chunk-frame.ts). `seq`
 * and `final` are in clear so the client can tell errors apart; both are authenticated by the AEAD.
 */
export interface SealedChunk {
  /** A u32: the response digest and the chunk nonce hold 32 bits of it. */
  seq: number;
  final: boolean;
  /** AES-GCM ciphertext and tag. */
  data: Uint8Array;
}

/** The plaintext inside a response chunk. */
export const ChunkPayloadSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('delta'), text: z.string() }),
  /**
   * A piece of a tool call (requests with `tools`): the first for a call has its `id` and `name`,
   * later ones more of its JSON `arguments`, all with the call's `index`, as OpenAI streams them.
   */
  z.object({
    type: z.literal('tool_call'),
    index: z.number().int().nonnegative().max(127),
    id: z.string().min(1).max(256).optional(),
    name: z.string().min(1).max(64).optional(),
    arguments: z.string().optional(),
  }),
  z.object({ type: z.literal('end'), receipt: SignedReceiptSchema }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type ChunkPayload = z.infer<typeof ChunkPayloadSchema>;

export const ResponseNonceSchema = b64uBytes(32);
