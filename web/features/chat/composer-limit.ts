import { sealedRequestBytes } from '@cocoon/shared/crypto/padding';
import { MAX_REQUEST_BYTES } from '@cocoon/shared/protocol/jobs';
import { costOf, maxTokensWithin, type Price } from '@cocoon/shared/pricing';
import { utf8 } from '@cocoon/shared/protocol/encoding';

/**
 * The longest message the composer sends, in characters: about 3,000 words. Every sealed byte is
 * held as a possible prompt token (shared/pricing.ts), so a longer message costs more than a default
 * max price and outgrows small models' context; it is stopped here, with the text kept, instead of
 * being refused after sending. Far under the sealed request's limit (`MAX_REQUEST_BYTES`), which
 * the check also applies for the conversation-less worst case.
 */
export const MAX_MESSAGE_CHARS = 12_000;
/** The counter shows from this share of the limit on. */
export const COUNTER_FROM = 0.8;
/** From this length on, the composer says what reading the message will roughly cost. */
export const LONG_MESSAGE_CHARS = 1_000;
/** A rough tokens-per-byte for the estimate (about 4 bytes of English, 2 Cyrillic letters, per token). */
const BYTES_PER_TOKEN = 4;

/** What the price of a message depends on: the model, the host's coefficient, the user's max. */
export interface DraftPricing {
  price: Price;
  coefficientMilli: bigint;
  /** The user's max price per message, in micro-credits. */
  maxPrice: bigint;
}

export interface DraftCheck {
  /** Characters (code points, as a person counts them). */
  length: number;
  limit: number;
  /** Near or over the limit: show `length / limit`. */
  showCounter: boolean;
  /** Characters to delete before it can be sent; 0 when within the limit. */
  over: number;
  /** Even a one-token answer would cost more than the max price per message: it cannot be sent. */
  aboveMaxPrice: boolean;
  /** For a long message: roughly what reading it costs, in micro-credits (the answer adds to it). */
  estimate: bigint | null;
}

/** Code points: an emoji is one character to a person, two UTF-16 units to `length`. */
const countChars = (text: string): number => Array.from(text).length;

/**
 * Whether a draft can be sent, and what to tell the person before they try: the length against
 * the limit, and for a long message its rough cost and whether it fits their max price.
 * @example checkDraft('Hi').over // 0
 */
export function checkDraft(text: string, pricing: DraftPricing | null): DraftCheck {
  const length = countChars(text);
  const bytes = sealedRequestBytes({ messages: [{ role: 'user', content: text }] });
  const over = Math.max(0, length - MAX_MESSAGE_CHARS, bytes > MAX_REQUEST_BYTES ? 1 : 0);
  const long = length >= LONG_MESSAGE_CHARS && over === 0;
  const estimate =
    long && pricing
      ? costOf(pricing.price, { promptTokens: Math.ceil(utf8(text).length / BYTES_PER_TOKEN), completionTokens: 0 }, pricing.coefficientMilli)
      : null;
  const aboveMaxPrice = long && pricing !== null && maxTokensWithin(pricing.price, bytes, pricing.maxPrice, 1, pricing.coefficientMilli) === 0;
  return { length, limit: MAX_MESSAGE_CHARS, showCounter: length >= MAX_MESSAGE_CHARS * COUNTER_FROM, over, aboveMaxPrice, estimate };
}

/**
 * Whether Enter sends: on a desktop keyboard yes (Shift+Enter is a new line); on a touch keyboard
 * Return types a new line, and the Send button sends, as in Telegram's own chats.
 */
export const enterSends = (key: { key: string; shiftKey: boolean; isComposing: boolean }, coarsePointer: boolean): boolean =>
  key.key === 'Enter' && !key.shiftKey && !key.isComposing && !coarsePointer;
