import { z } from 'zod';
import { BigIntString } from '@cocoon/shared/protocol/encoding';
import { FinishReasonSchema, ReceiptSchema } from '@cocoon/shared/protocol/receipt';
import type { Message } from '../chat/chat-state';
import type { UiErrorCode } from '../chat/error-messages';
import { keptMessages } from './kept';

export { keptMessages, titleFrom } from './kept';

/**
 * A conversation as it is kept on the device: two sealed records per conversation (crypto worker,
 * AES-GCM, web/crypto/storage-seal.ts), its head (title, times: what the list needs) and its body
 * (the messages). Only the id, a random UUID, is in clear. This module is the plaintext format;
 * every record is checked against its schema when opened, never cast.
 */
export interface ConversationHead {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
}

export interface Conversation extends ConversationHead {
  messages: Message[];
}

/** How a sealed record is bound to its place (the worker's AAD): a record moved to another id or store does not open. */
export const recordContext = (store: 'heads' | 'bodies', id: string): string => `conversations/${store}/${id}`;

const Micro = BigIntString;
const HeadSchema = z.object({ v: z.literal(1), title: z.string().max(500), createdAt: z.number(), updatedAt: z.number() });
const UserSchema = z.object({ id: z.string(), role: z.literal('user'), text: z.string(), kind: z.literal('continue').optional() });
const SignedSchema = { receipt: ReceiptSchema, signature: z.string() };
const AssistantSchema = z.object({
  id: z.string(),
  role: z.literal('assistant'),
  text: z.string(),
  // Only finished turns are kept.
  status: z.enum(['done', 'stopped', 'failed']),
  model: z.string(),
  pricing: z.object({ price: z.object({ promptPerMillion: Micro, completionPerMillion: Micro }), coefficientMilli: Micro, maxCharge: Micro }),
  stopRequested: z.boolean(),
  finishReason: FinishReasonSchema.nullable(),
  streamReceipt: z.object({ ...SignedSchema, valid: z.boolean() }).nullable(),
  settled: z.object({ ...SignedSchema, charged: Micro }).nullable(),
  uncharged: z.boolean(),
  error: z.object({ code: z.string().transform((c) => c as UiErrorCode), detail: z.string().optional() }).nullable(),
  continues: z.string().optional(),
  leftOut: z.number().int().nonnegative().optional(),
});
const BodySchema = z.object({ v: z.literal(1), messages: z.array(z.discriminatedUnion('role', [UserSchema, AssistantSchema])) });

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
/** JSON with amounts (bigint) as decimal strings. */
const toBytes = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));

export const encodeHead = (h: ConversationHead): Uint8Array => toBytes({ v: 1, title: h.title, createdAt: h.createdAt, updatedAt: h.updatedAt });
export const encodeBody = (messages: readonly Message[]): Uint8Array => toBytes({ v: 1, messages: keptMessages(messages) });

export function decodeHead(id: string, bytes: Uint8Array): ConversationHead {
  const h = HeadSchema.parse(JSON.parse(decoder.decode(bytes)));
  return { id, title: h.title, createdAt: h.createdAt, updatedAt: h.updatedAt };
}

export function decodeBody(bytes: Uint8Array): Message[] {
  return BodySchema.parse(JSON.parse(decoder.decode(bytes))).messages;
}

/** Heads whose title has every word of `query` (case- and accent-insensitive), searched after decrypting, in memory. */
export function searchByTitle<T extends Pick<ConversationHead, 'title'>>(heads: readonly T[], query: string): T[] {
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
  const words = fold(query).split(/\s+/).filter(Boolean);
  return words.length === 0 ? [...heads] : heads.filter((h) => words.every((w) => fold(h.title).includes(w)));
}
