import { Composer, InlineKeyboard, type Context } from 'grammy';
import type { InlineQueryResult, InlineQueryResultsButton } from 'grammy/types';
import type { BotLog } from './log-safe';
import { messagesFor, type BotMessages } from './messages';

/** Telegram's deep-link payloads (`/start <payload>`, `startapp`): 1-64 of A-Z a-z 0-9 _ -. */
const START_PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The Mini App's URL for a `/start` payload: the payload rides as `tgWebAppStartParam`, the query
 * parameter Telegram itself uses when it opens a Mini App from a `startapp` link, so the app reads
 * it in one place. Anything that is not a valid payload is dropped.
 */
export function appUrlWithPayload(appUrl: string, payload: string): string {
  if (!START_PAYLOAD.test(payload)) return appUrl;
  const url = new URL(appUrl);
  url.searchParams.set('tgWebAppStartParam', payload);
  return url.toString();
}

export interface ChatOptions {
  /** The Mini App (WEB_ORIGIN or PUBLIC_URL); without it the bot greets without a button. */
  appUrl: string | undefined;
  log: BotLog;
}

/**
 * What people see of the bot: the commands (private chats only; `web_app` buttons work nowhere
 * else) and inline mode. Nothing a user typed is logged, and /paysupport records who asked, not
 * what they wrote.
 */
export function chatHandlers({ appUrl, log }: ChatOptions): Composer<Context> {
  const chat = new Composer<Context>();
  const m = (ctx: Context): BotMessages => messagesFor(ctx.from?.language_code);
  const dm = chat.chatType('private');

  dm.command('start', async (ctx) => {
    const t = m(ctx);
    const greeting = t.greeting(ctx.from.first_name);
    if (!appUrl) return void (await ctx.reply(`${greeting}\n\n${t.appUnavailable}`));
    const keyboard = new InlineKeyboard().webApp(t.openApp, appUrlWithPayload(appUrl, ctx.match));
    await ctx.reply(`${greeting}\n\n${t.tapToOpen}`, { reply_markup: keyboard });
  });
  dm.command('help', (ctx) => ctx.reply(m(ctx).help));
  dm.command('terms', (ctx) => ctx.reply(m(ctx).terms));
  dm.command('paysupport', async (ctx) => {
    // Telegram's rules for Stars: the operator answers these; the user id is enough to find their payments.
    log.info({ telegramId: ctx.from.id, locale: ctx.from.language_code ?? null }, 'payment support requested (/paysupport)');
    await ctx.reply(m(ctx).paySupport);
  });

  chat.on('inline_query', async (ctx) => {
    const t = m(ctx);
    const text = ctx.inlineQuery.query.trim();
    const username = ctx.me.username;
    // Inline results cannot carry web_app buttons: the message links to the bot's main Mini App.
    const keyboard = username ? new InlineKeyboard().url(t.openApp, `https://t.me/${username}?startapp`) : undefined;
    const result: InlineQueryResult =
      text === ''
        ? { type: 'article', id: 'open', title: t.inviteTitle, description: t.inviteDescription, input_message_content: { message_text: t.inviteText }, reply_markup: keyboard }
        : {
            type: 'article',
            id: 'share',
            title: t.shareTitle,
            description: text.slice(0, 100),
            // The text as a quote; offsets count UTF-16 code units, as JavaScript strings do.
            input_message_content: { message_text: text, entities: [{ type: 'blockquote', offset: 0, length: text.length }] },
            reply_markup: keyboard,
          };
    // Above the results: opens the Mini App itself, where Telegram allows a web_app button.
    const button: InlineQueryResultsButton | undefined = appUrl ? { text: t.openApp, web_app: { url: appUrl } } : undefined;
    // is_personal and no cache: the text is this user's, for this one answer.
    await ctx.answerInlineQuery([result], { cache_time: 0, is_personal: true, button });
  });
  return chat;
}
