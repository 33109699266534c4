import { z } from 'zod';

/**
 * The part of the Telegram Bot API (https://core.telegram.org/bots/api) the broker uses, with
 * Telegram's field names. One definition for the client (bot-api.ts), the stand-in that plays
 * Telegram in development and tests (bot-api-standin.ts), and the webhook. Unknown fields are
 * dropped, so a newer Bot API version parses.
 */

export const TelegramUserSchema = z.object({
  id: z.number().int().positive(),
  is_bot: z.boolean(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});

/** A string the broker stores in a text column: Postgres text cannot hold NUL, so one with NUL is malformed here, not a database error later. */
const DbText = z.string().refine((s) => !s.includes('\0'), 'contains NUL');

/** Stars are always currency "XTR"; amounts are whole Stars. */
export const STARS_CURRENCY = 'XTR';

export const PreCheckoutQuerySchema = z.object({
  id: z.string().min(1),
  from: TelegramUserSchema,
  currency: z.string(),
  total_amount: z.number().int(),
  invoice_payload: DbText,
});
export type PreCheckoutQuery = z.infer<typeof PreCheckoutQuerySchema>;

export const SuccessfulPaymentSchema = z.object({
  currency: z.string(),
  total_amount: z.number().int(),
  invoice_payload: DbText,
  telegram_payment_charge_id: DbText.min(1).max(256),
  provider_payment_charge_id: z.string().optional(),
});
export type SuccessfulPayment = z.infer<typeof SuccessfulPaymentSchema>;

/** A refund of a Stars payment (Telegram's service message): the charge's Stars went back to the user. */
export const RefundedPaymentSchema = z.object({
  currency: z.string(),
  total_amount: z.number().int(),
  invoice_payload: DbText,
  telegram_payment_charge_id: DbText.min(1).max(256),
  provider_payment_charge_id: z.string().optional(),
});
export type RefundedPayment = z.infer<typeof RefundedPaymentSchema>;

/** What the bot's command matching reads of a message's entities (`/start@bot payload`). */
export const MessageEntitySchema = z.object({ type: z.string(), offset: z.number().int().nonnegative(), length: z.number().int().nonnegative() });

export const MessageSchema = z.object({
  message_id: z.number().int(),
  from: TelegramUserSchema.optional(),
  chat: z.object({ id: z.number().int(), type: z.string() }),
  date: z.number().int(),
  text: z.string().optional(),
  entities: z.array(MessageEntitySchema).optional(),
  successful_payment: SuccessfulPaymentSchema.optional(),
  refunded_payment: RefundedPaymentSchema.optional(),
});

/** Someone typing `@bot <query>` in any chat (the bot's inline mode). */
export const InlineQuerySchema = z.object({
  id: z.string().min(1),
  from: TelegramUserSchema,
  query: z.string().max(4096),
  offset: z.string(),
  chat_type: z.string().optional(),
});

/**
 * An incoming update, as far as the bot reads it (server/telegram/bot/): commands in messages,
 * inline queries, and the Stars updates (`pre_checkout_query`, `message.successful_payment`,
 * `message.refunded_payment`). Every other kind parses to just its `update_id` and is ignored.
 */
export const UpdateSchema = z.object({
  update_id: z.number().int().nonnegative(),
  message: MessageSchema.optional(),
  inline_query: InlineQuerySchema.optional(),
  pre_checkout_query: PreCheckoutQuerySchema.optional(),
});
export type Update = z.infer<typeof UpdateSchema>;

export const LabeledPriceSchema = z.object({ label: z.string().min(1), amount: z.number().int().positive() });

const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');

export const CreateInvoiceLinkParamsSchema = z.object({
  title: z.string().min(1).max(32),
  description: z.string().min(1).max(255),
  payload: z.string().refine((s) => utf8Length(s) >= 1 && utf8Length(s) <= 128, 'payload must be 1-128 bytes'),
  provider_token: z.string().optional(),
  currency: z.string().length(3),
  prices: z.array(LabeledPriceSchema).min(1),
});
export type CreateInvoiceLinkParams = z.infer<typeof CreateInvoiceLinkParamsSchema>;

export const AnswerPreCheckoutQueryParamsSchema = z
  .object({ pre_checkout_query_id: z.string().min(1), ok: z.boolean(), error_message: z.string().min(1).max(255).optional() })
  .refine((p) => p.ok || p.error_message !== undefined, 'error_message is required when ok is false');
export type AnswerPreCheckoutQueryParams = z.infer<typeof AnswerPreCheckoutQueryParamsSchema>;

export const RefundStarPaymentParamsSchema = z.object({
  user_id: z.number().int().positive(),
  telegram_payment_charge_id: z.string().min(1),
});
export type RefundStarPaymentParams = z.infer<typeof RefundStarPaymentParamsSchema>;

export const SetWebhookParamsSchema = z.object({
  url: z.url(),
  secret_token: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/).optional(),
  allowed_updates: z.array(z.string()).optional(),
});
export type SetWebhookParams = z.infer<typeof SetWebhookParamsSchema>;

/** Every Bot API answer: `{ ok: true, result }` or `{ ok: false, error_code, description }`. */
export const BotApiResponseSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error_code: z.number().int(),
    description: z.string(),
    parameters: z.object({ retry_after: z.number().int().optional() }).optional(),
  }),
]);
