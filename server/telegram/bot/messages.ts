/**
 * What the bot says, in English and Russian. A small typed table rather than Lingui: the Mini
 * App's catalogues are compiled for the browser, and the bot has a handful of fixed texts. Every
 * locale must give every entry (the `BotMessages` type checks it); texts are plain (no parse mode),
 * so nothing in them needs escaping.
 */

export const BOT_LOCALES = ['en', 'ru'] as const;
export type BotLocale = (typeof BOT_LOCALES)[number];

/** Telegram's `language_code` (an IETF tag such as `ru`, `ru-RU`, `en-US`) to one of ours; English otherwise. */
export function botLocale(languageCode: string | undefined): BotLocale {
  const primary = (languageCode ?? '').toLowerCase().split(/[-_]/)[0];
  return BOT_LOCALES.find((l) => l === primary) ?? 'en';
}

export interface BotMessages {
  greeting(firstName: string): string;
  /** The greeting's last line: under it, the button that opens the Mini App. */
  tapToOpen: string;
  /** The greeting's last line when no Mini App URL is configured. */
  appUnavailable: string;
  openApp: string;
  help: string;
  terms: string;
  paySupport: string;
  /** The command list of the chat's menu (setMyCommands), at most 256 characters each. */
  commands: { start: string; help: string; terms: string; paysupport: string };
  /** Inline mode: the article that shares the typed text as a quote. */
  shareTitle: string;
  /** Inline mode with nothing typed yet. */
  inviteTitle: string;
  inviteDescription: string;
  inviteText: string;
}

const en: BotMessages = {
  greeting: (name) =>
    `Hi ${name}! Cocoon is a private AI chat inside Telegram: your messages are encrypted on your device and answered by a model in a verified secure enclave.`,
  tapToOpen: 'Tap the button below to open it.',
  appUnavailable: 'The app is not available right now. Please try again later.',
  openApp: 'Open Cocoon',
  help: [
    'Cocoon: a private AI chat and writing tools (summarize, rewrite, fix grammar, translate).',
    '',
    '/start: open the app',
    '/terms: terms for purchases with Telegram Stars',
    '/paysupport: help with a payment or a refund',
    '',
    'Share an answer into any chat: type @ and the bot’s name, then your text, or use Share in the app.',
  ].join('\n'),
  terms: [
    'Terms for purchases with Telegram Stars',
    '',
    '1. You buy credits: the app’s unit for paying for answers. The price of each answer is shown before and after it; credits are taken for what the model actually produced.',
    '2. Credits belong to your Telegram account. They cannot be transferred to another account, sold or exchanged back for Stars or money, except by a refund.',
    '3. Refunds: for a payment whose credits you have not spent, send /paysupport. A refund returns the Stars to your account and removes the credits.',
    '4. Your conversations are encrypted on your device; we never see or store their text.',
  ].join('\n'),
  paySupport: [
    'Payment support',
    '',
    'Your request has been recorded with your Telegram account. We will write to you in this chat within 3 business days; your payments are found from your account, so there is nothing else to send.',
    '',
    'Credits you have not spent can be refunded in Stars. Telegram’s support cannot help with purchases made in this bot.',
  ].join('\n'),
  commands: {
    start: 'Open Cocoon',
    help: 'What the bot can do',
    terms: 'Terms for purchases with Stars',
    paysupport: 'Help with a payment or a refund',
  },
  shareTitle: 'Share this text',
  inviteTitle: 'Cocoon: private AI chat',
  inviteDescription: 'Type a text to share it, or open the app',
  inviteText: 'Cocoon: a private AI chat in Telegram, encrypted end to end.',
};

const ru: BotMessages = {
  greeting: (name) =>
    `Привет, ${name}! Cocoon — приватный ИИ-чат в Telegram: ваши сообщения шифруются на устройстве, а отвечает модель в проверенном защищённом анклаве.`,
  tapToOpen: 'Нажмите кнопку ниже, чтобы открыть его.',
  appUnavailable: 'Приложение сейчас недоступно. Попробуйте позже.',
  openApp: 'Открыть Cocoon',
  help: [
    'Cocoon: приватный ИИ-чат и инструменты для текста (кратко пересказать, переписать, исправить ошибки, перевести).',
    '',
    '/start — открыть приложение',
    '/terms — условия покупок за Telegram Stars',
    '/paysupport — помощь с оплатой или возвратом',
    '',
    'Поделиться ответом в любом чате: наберите @ и имя бота, затем текст, или нажмите «Поделиться» в приложении.',
  ].join('\n'),
  terms: [
    'Условия покупок за Telegram Stars',
    '',
    '1. Вы покупаете кредиты — единицу оплаты ответов в приложении. Цена каждого ответа видна до и после него; списывается только то, что модель действительно написала.',
    '2. Кредиты принадлежат вашему аккаунту Telegram. Их нельзя передать другому аккаунту, продать или обменять обратно на Stars или деньги, кроме как через возврат.',
    '3. Возврат: за оплату, кредиты которой вы ещё не потратили, отправьте /paysupport. Возврат вернёт Stars на ваш аккаунт и спишет кредиты.',
    '4. Ваши переписки шифруются на устройстве; мы никогда не видим и не храним их текст.',
  ].join('\n'),
  paySupport: [
    'Поддержка по оплатам',
    '',
    'Ваше обращение записано вместе с вашим аккаунтом Telegram. Мы напишем вам в этот чат в течение 3 рабочих дней; платежи найдём по аккаунту, больше ничего присылать не нужно.',
    '',
    'Непотраченные кредиты можно вернуть в Stars. Поддержка Telegram не может помочь с покупками в этом боте.',
  ].join('\n'),
  commands: {
    start: 'Открыть Cocoon',
    help: 'Что умеет бот',
    terms: 'Условия покупок за Stars',
    paysupport: 'Помощь с оплатой или возвратом',
  },
  shareTitle: 'Поделиться этим текстом',
  inviteTitle: 'Cocoon: приватный ИИ-чат',
  inviteDescription: 'Наберите текст, чтобы поделиться им, или откройте приложение',
  inviteText: 'Cocoon — приватный ИИ-чат в Telegram со сквозным шифрованием.',
};

export const BOT_MESSAGES: Record<BotLocale, BotMessages> = { en, ru };

export const messagesFor = (languageCode: string | undefined): BotMessages => BOT_MESSAGES[botLocale(languageCode)];
