import { Api, Bot, BotError, HttpError } from 'grammy';
import { CocoonError } from '@cocoon/shared/errors';
import type { BotCommand, Update as TelegramUpdate, UserFromGetMe } from 'grammy/types';
import type { Update } from '../types';
import { chatHandlers } from './chat';
import { loggableError, type BotLog } from './log-safe';
import { BOT_LOCALES, BOT_MESSAGES, type BotLocale } from './messages';
import { starsHandlers, type StarsUpdates } from './stars';

/** The chat's menu button: the brand, the same in every language. */
export const MENU_BUTTON_TEXT = 'Cocoon';
/** Telegram waits 10 s for a pre-checkout answer: getMe on the way must not eat that. */
const GET_ME_TIMEOUT_S = 3;
/** After a failed getMe, how long updates are handled with the placeholder before asking again. */
const GET_ME_RETRY_MS = 60_000;
const API_TIMEOUT_S = 10;

export interface CocoonBotOptions {
  token: string;
  /** https://api.telegram.org, or the Bot API stand-in's URL. */
  apiRoot: string;
  /** The Mini App (WEB_ORIGIN or PUBLIC_URL); unset, no web_app buttons. */
  appUrl: string | undefined;
  stars: StarsUpdates;
  log: BotLog;
  /** getMe's answer when known (tests); otherwise fetched once. */
  botInfo?: UserFromGetMe;
}

export interface CocoonBot {
  /** grammY's Bot API client with the bot's token and API root (owners' notifications). */
  readonly api: Api;
  /**
   * Runs one update (already checked by UpdateSchema) through the handlers. Rejects with the
   * handler's own error (never grammY's BotError, which holds the update) when a Stars update
   * failed, a network failure as CocoonError('telegram.unreachable'); the chat's failures are
   * logged, and the update counts as handled.
   */
  handleUpdate(update: Update): Promise<void>;
  /**
   * The bot's profile at Telegram: commands (en, ru) and the menu button opening the Mini App.
   * Idempotent, and run once: later calls return the first run's promise. Never rejects; each
   * failure is logged.
   */
  setUp(): Promise<void>;
}

/**
 * The Telegram bot, webhook only (no polling): the webhook route checks the secret token and the
 * update's shape, then hands it here.
 */
export function createCocoonBot(opts: CocoonBotOptions): CocoonBot {
  const { log, appUrl } = opts;
  const bot = new Bot(opts.token, { botInfo: opts.botInfo, client: { apiRoot: opts.apiRoot, timeoutSeconds: API_TIMEOUT_S } });
  bot.use(starsHandlers(opts.stars, log));
  // A reply that fails is not worth Telegram redelivering the update: logged, and the webhook answers 200.
  bot.errorBoundary((e) => log.warn({ err: loggableError(e.error) }, 'bot reply failed'), chatHandlers({ appUrl, log }));

  const quick = new Api(opts.token, { apiRoot: opts.apiRoot, timeoutSeconds: GET_ME_TIMEOUT_S });
  let known = opts.botInfo !== undefined;
  let lastTry = -Infinity;
  let asking: Promise<void> | undefined;
  /** getMe once; until it answers, a placeholder from the token (commands addressed `/cmd@name` then go unmatched). */
  const knowSelf = (): Promise<void> => {
    if (known || Date.now() - lastTry < GET_ME_RETRY_MS) return Promise.resolve();
    asking ??= (async () => {
      lastTry = Date.now();
      try {
        bot.botInfo = await quick.getMe();
        known = true;
      } catch (err) {
        log.warn({ err: loggableError(err) }, 'getMe failed; the bot runs without its username for now');
        if (!bot.isInited()) bot.botInfo = placeholderInfo(opts.token);
      } finally {
        asking = undefined;
      }
    })();
    return asking;
  };

  let setUp: Promise<void> | undefined;
  return {
    api: bot.api,
    async handleUpdate(update) {
      await knowSelf();
      try {
        // UpdateSchema checked every field the handlers read; grammY's type also names the fields it dropped.
        await bot.handleUpdate(update as unknown as TelegramUpdate);
      } catch (e) {
        throw withoutSecrets(e instanceof BotError ? e.error : e);
      }
    },
    setUp: () => (setUp ??= configureProfile(bot.api, appUrl, log, knowSelf)),
  };
}

/**
 * grammY's HttpError keeps node-fetch's error, whose message quotes the request URL and so the
 * token: the funnel would log it. Only the method's name goes on.
 */
function withoutSecrets(err: unknown): unknown {
  return err instanceof HttpError ? new CocoonError('telegram.unreachable', err.message) : err;
}

const commandsFor = (locale: BotLocale): BotCommand[] =>
  (Object.entries(BOT_MESSAGES[locale].commands) as [string, string][]).map(([command, description]) => ({ command, description }));

async function configureProfile(api: Api, appUrl: string | undefined, log: BotLog, knowSelf: () => Promise<void>): Promise<void> {
  const steps: [string, () => Promise<unknown>][] = BOT_LOCALES.map((locale) => [
    `setMyCommands(${locale})`,
    // English is the default list, for every language without its own.
    () => api.setMyCommands(commandsFor(locale), locale === 'en' ? {} : { language_code: locale }),
  ]);
  if (appUrl) steps.push(['setChatMenuButton', () => api.setChatMenuButton({ menu_button: { type: 'web_app', text: MENU_BUTTON_TEXT, web_app: { url: appUrl } } })]);
  else log.info('no PUBLIC_URL or WEB_ORIGIN: the bot has no menu button and /start no button to the Mini App');
  await knowSelf();
  await Promise.all(
    steps.map(async ([what, step]) => {
      try {
        await step();
      } catch (err) {
        log.warn({ err: loggableError(err), step: what }, 'bot profile not set; the broker runs on');
      }
    }),
  );
}

/** What the token says of the bot (its id), standing in for getMe while Telegram does not answer. */
function placeholderInfo(token: string): UserFromGetMe {
  return {
    id: Number(token.split(':')[0]),
    is_bot: true,
    first_name: 'Cocoon',
    username: '',
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: true,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}
