import { z } from 'zod';
import { B64uSchema, b64uBytes } from './encoding';
import { HostIdSchema, ModelNameSchema } from './attestation-bundle';

/** Why an answer ended: the engine's `stop`, `length` or `tool_calls` (the model called a tool), or `cancelled`/`error`. */
export const FinishReasons = { stop: 'stop', length: 'length', toolCalls: 'tool_calls', cancelled: 'cancelled', error: 'error' } as const;
export const FinishReasonSchema = z.enum([FinishReasons.stop, FinishReasons.length, FinishReasons.toolCalls, FinishReasons.cancelled, FinishReasons.error]);
export type FinishReason = z.infer<typeof FinishReasonSchema>;

const Hex256 = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * A usage receipt, signed by the enclave's Ed25519 key (ARCHITECTURE.md step 8). The broker bills
 * from it and the client checks that what it was charged matches.
 * - `requestDigest` = SHA-256(enc || ciphertext) of the sealed request as the broker relayed it.
 * - `responseDigest` = SHA-256 over every non-final sealed chunk, in order, as relayed.
 * - `finishReason: "cancelled"`: `completionTokens` counts the tokens streamed (one per answer
 *   chunk) and `promptTokens` the whole prompt as the engine counted it, since the engine processed
 *   it; both are 0 when the job was cancelled before its first answer chunk, which costs nothing.
 */
export const ReceiptSchema = z.object({
  version: z.literal(1),
  jobId: z.uuid(),
  hostId: HostIdSchema,
  model: ModelNameSchema,
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  finishReason: FinishReasonSchema,
  requestDigest: Hex256,
  responseDigest: Hex256,
});
export type Receipt = z.infer<typeof ReceiptSchema>;

export const SignedReceiptSchema = z.object({
  receipt: ReceiptSchema,
  signature: b64uBytes(64),
});
export type SignedReceipt = z.infer<typeof SignedReceiptSchema>;

