import { z } from 'zod';

/**
 * The stand-in's side of what the bot calls (server/telegram/bot/): getMe, sendMessage with an
 * inline keyboard, setMyCommands, setChatMenuButton and answerInlineQuery, each validated as
 * Telegram documents it (https://core.telegram.org/bots/api), so a call Telegram would refuse is
 * refused here too. One exception: Telegram wants https for web_app URLs; development runs on http.
 */

export class BadRequest extends Error {}

export interface SentMessage {
  chatId: number | string;
  text: string;
  messageId: number;
  /** The inline keyboard sent with the message, if any. */
  replyMarkup?: InlineKeyboardMarkup;
}

const WebAppInfoSchema = z.object({ url: z.url({ protocol: /^https?$/ }) });

/** One of url, web_app or callback_data, as Telegram requires of an inline keyboard button. */
const InlineKeyboardButtonSchema = z
  .object({ text: z.string().min(1), url: z.url().optional(), web_app: WebAppInfoSchema.optional(), callback_data: z.string().min(1).max(64).optional() })
  .refine((b) => [b.url, b.web_app, b.callback_data].filter((v) => v !== undefined).length === 1, 'a button needs exactly one of url, web_app, callback_data');
const InlineKeyboardMarkupSchema = z.object({ inline_keyboard: z.array(z.array(InlineKeyboardButtonSchema)) });
export type InlineKeyboardMarkup = z.infer<typeof InlineKeyboardMarkupSchema>;

const MessageEntitySchema = z.object({ type: z.string().min(1), offset: z.number().int().nonnegative(), length: z.number().int().positive() });

const SendMessageParamsSchema = z.object({
  chat_id: z.union([z.number().int(), z.string().min(1)]),
  text: z.string().min(1).max(4096),
  disable_notification: z.boolean().optional(),
  reply_markup: InlineKeyboardMarkupSchema.optional(),
});

const BotCommandSchema = z.object({ command: z.string().regex(/^[a-z0-9_]{1,32}$/), description: z.string().min(1).max(256) });
const SetMyCommandsParamsSchema = z.object({
  commands: z.array(BotCommandSchema).max(100),
  language_code: z.string().regex(/^([a-z]{2})?$/).optional(),
});

const SetChatMenuButtonParamsSchema = z.object({
  chat_id: z.number().int().optional(),
  menu_button: z.discriminatedUnion('type', [
    z.object({ type: z.literal('commands') }),
    z.object({ type: z.literal('default') }),
    z.object({ type: z.literal('web_app'), text: z.string().min(1), web_app: WebAppInfoSchema }),
  ]).optional(),
});

const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');

const InlineQueryResultArticleSchema = z.object({
  type: z.literal('article'),
  id: z.string().refine((s) => utf8Length(s) >= 1 && utf8Length(s) <= 64, 'id must be 1-64 bytes'),
  title: z.string().min(1),
  description: z.string().optional(),
  input_message_content: z.object({ message_text: z.string().min(1).max(4096), entities: z.array(MessageEntitySchema).optional() }),
  reply_markup: InlineKeyboardMarkupSchema.optional(),
});
const AnswerInlineQueryParamsSchema = z.object({
  inline_query_id: z.string().min(1),
  results: z.array(InlineQueryResultArticleSchema).max(50),
  cache_time: z.number().int().nonnegative().optional(),
  is_personal: z.boolean().optional(),
  next_offset: z.string().max(64).optional(),
  button: z
    .object({ text: z.string().min(1), web_app: WebAppInfoSchema.optional(), start_parameter: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional() })
    .refine((b) => (b.web_app === undefined) !== (b.start_parameter === undefined), 'a button needs one of web_app, start_parameter')
    .optional(),
});

export interface BotMethodsState {
  token: string;
  username: string;
  messages: SentMessage[];
}

export function botMethods(state: BotMethodsState): Record<string, (params: unknown) => unknown> {
  const botId = Number(state.token.split(':')[0]);
  return {
    getMe: () => ({
      id: botId,
      is_bot: true,
      first_name: 'Cocoon (stand-in)',
      username: state.username,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: true,
      can_connect_to_business: false,
      has_main_web_app: true,
    }),
    sendMessage(params) {
      const p = SendMessageParamsSchema.parse(params);
      const sent: SentMessage = { chatId: p.chat_id, text: p.text, messageId: state.messages.length + 1, ...(p.reply_markup ? { replyMarkup: p.reply_markup } : {}) };
      state.messages.push(sent);
      return { message_id: sent.messageId, date: Math.floor(Date.now() / 1000), chat: { id: p.chat_id, type: 'private' }, text: p.text };
    },
    setMyCommands(params) {
      const p = SetMyCommandsParamsSchema.parse(params);
      if (new Set(p.commands.map((c) => c.command)).size !== p.commands.length) throw new BadRequest('BOT_COMMAND_DUPLICATE');
      return true;
    },
    setChatMenuButton(params) {
      SetChatMenuButtonParamsSchema.parse(params);
      return true;
    },
    answerInlineQuery(params) {
      const p = AnswerInlineQueryParamsSchema.parse(params);
      if (new Set(p.results.map((r) => r.id)).size !== p.results.length) throw new BadRequest('RESULT_ID_DUPLICATE');
      return true;
    },
  };
}
