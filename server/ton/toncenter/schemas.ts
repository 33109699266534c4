import { z } from 'zod';

/**
 * The JSON of toncenter's HTTP API v2 (https://toncenter.com/api/v2/), the subset we use. The
 * client validates every response with these; the sandbox chain server types its answers with
 * them, so both ends speak one definition. Strict on what we read; lenient on the rest, where
 * API versions differ (`@type` is `raw.transaction` in one, `ext.transaction` in another; extra
 * fields are dropped). Transaction content is read from the BOC in `data`, not from `in_msg`.
 */

const Int64String = z.string().regex(/^-?\d+$/);
const TypeTag = z.string().optional();
/** Transaction hashes come back base64; `getTransactions` accepts base64 or hex. */
const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

export const TransactionIdSchema = z.object({ '@type': TypeTag, lt: Int64String, hash: Base64 });

export const BlockIdSchema = z.object({
  '@type': TypeTag,
  workchain: z.number().int(),
  shard: Int64String,
  seqno: z.number().int(),
  root_hash: Base64,
  file_hash: Base64,
});

export const MasterchainInfoSchema = z.object({
  '@type': TypeTag,
  last: BlockIdSchema,
  state_root_hash: Base64.optional(),
  init: BlockIdSchema.optional(),
});

export const AddressInformationSchema = z.object({
  '@type': TypeTag,
  balance: z.union([Int64String, z.number().int()]),
  /** Base64 BOCs; empty when the account has no code or data. */
  code: z.string(),
  data: z.string(),
  last_transaction_id: TransactionIdSchema,
  block_id: BlockIdSchema.optional(),
  frozen_hash: z.string().optional(),
  sync_utime: z.number().int().optional(),
  state: z.enum(['active', 'uninitialized', 'frozen']),
});

/** `msg.dataText` (`text`: base64 UTF-8), `msg.dataRaw` (`body`: base64 BOC), or an encrypted kind. */
const MsgDataSchema = z.object({ '@type': z.string(), text: Base64.optional(), body: Base64.optional(), init_state: z.string().optional() });

export const RawMessageSchema = z.object({
  '@type': TypeTag,
  /** User-friendly address, empty for an external message (the "Std" variant wraps it in an object). */
  source: z.union([z.string(), z.object({ account_address: z.string() })]),
  destination: z.union([z.string(), z.object({ account_address: z.string() })]),
  value: Int64String,
  fwd_fee: Int64String.optional(),
  ihr_fee: Int64String.optional(),
  created_lt: Int64String.optional(),
  body_hash: Base64.optional(),
  msg_data: MsgDataSchema.optional(),
  /** The decoded text comment, when there is one (older API versions). */
  message: z.string().optional(),
});

export const RawTransactionSchema = z.object({
  '@type': TypeTag,
  address: z.object({ account_address: z.string() }).optional(),
  utime: z.number().int(),
  /** The whole transaction as a base64 BOC: its root cell's hash is `transaction_id.hash`. */
  data: Base64,
  transaction_id: TransactionIdSchema,
  fee: Int64String.optional(),
  storage_fee: Int64String.optional(),
  other_fee: Int64String.optional(),
  /** The client reads the messages from `data` instead; these are checked for shape only. */
  in_msg: RawMessageSchema.optional(),
  out_msgs: z.array(RawMessageSchema).optional(),
});

export const TransactionsSchema = z.array(RawTransactionSchema);

/** A TVM stack entry as v2 writes it: `["num", "0x…"]`, or a cell/slice/tuple we do not read. */
export const StackEntrySchema = z.tuple([z.string(), z.unknown()]);

export const RunGetMethodSchema = z.object({
  '@type': TypeTag,
  gas_used: z.number().int(),
  stack: z.array(StackEntrySchema),
  exit_code: z.number().int(),
});

export const SendBocSchema = z.object({ '@type': z.literal('ok') });

export const RunGetMethodRequestSchema = z.object({ address: z.string(), method: z.string(), stack: z.array(StackEntrySchema) });
export const SendBocRequestSchema = z.object({ boc: Base64 });

/** Every answer: `{ ok: true, result }` or `{ ok: false, error, code }`. */
export const EnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.string(), code: z.number().int().optional() }),
]);

export type RawTransactionJson = z.input<typeof RawTransactionSchema>;
export type RawMessageJson = z.input<typeof RawMessageSchema>;
export type AddressInformationJson = z.input<typeof AddressInformationSchema>;
export type MasterchainInfoJson = z.input<typeof MasterchainInfoSchema>;
export type RunGetMethodJson = z.input<typeof RunGetMethodSchema>;
