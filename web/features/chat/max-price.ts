import { useCallback, useState } from 'react';
import { sealedRequestBytes } from '@cocoon/shared/crypto/padding';
import { COEFFICIENT_BASE, holdFor, maxTokensWithin, MICRO_PER_CREDIT, type Price } from '@cocoon/shared/pricing';

/**
 * The most the user pays for one message, in micro-credits: their choice, remembered on this
 * device. Every job is sent with it as its AAD-bound `maxCharge`; the broker never holds or
 * settles more, and refuses (like the enclave) a host whose price could exceed it.
 */
export const DEFAULT_MAX_PRICE = 5n * MICRO_PER_CREDIT;
/** The largest max a person can type: a million credits. */
export const MAX_MAX_PRICE = 1_000_000n * MICRO_PER_CREDIT;
export const MAX_PRICE_STORAGE_KEY = 'cocoon.maxPricePerMessage';

/**
 * Credits as a person types them ("2", "0.5", "1.25") to micro-credits; null unless positive, at
 * most 6 decimals and at most `MAX_MAX_PRICE`.
 * @example parseCredits('2.5') // 2_500_000n
 */
export function parseCredits(text: string): bigint | null {
  const m = /^\s*(\d{1,7})(?:[.,](\d{1,6}))?\s*$/.exec(text);
  if (!m) return null;
  const micro = BigInt(m[1]!) * MICRO_PER_CREDIT + BigInt((m[2] ?? '').padEnd(6, '0'));
  return micro > 0n && micro <= MAX_MAX_PRICE ? micro : null;
}

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>;

/** localStorage, when this webview gives the page one (some refuse storage to framed pages). */
function deviceStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // access itself throws where storage is disabled: the setting then lasts the session
  }
}

/** The remembered max, or the default when none (or a malformed one) is stored. */
export function loadMaxPrice(storage: Storage | null = deviceStorage()): bigint {
  const stored = storage?.getItem(MAX_PRICE_STORAGE_KEY);
  const micro = stored && /^[1-9][0-9]{0,17}$/.test(stored) ? BigInt(stored) : null;
  return micro !== null && micro <= MAX_MAX_PRICE ? micro : DEFAULT_MAX_PRICE;
}

export function saveMaxPrice(micro: bigint, storage: Storage | null = deviceStorage()): void {
  storage?.setItem(MAX_PRICE_STORAGE_KEY, micro.toString());
}

/** The user's max price per message and its setter, which remembers the choice on this device. */
export function useMaxPrice(): [bigint, (micro: bigint) => void] {
  const [value, setValue] = useState(() => loadMaxPrice());
  const set = useCallback((micro: bigint) => {
    saveMaxPrice(micro);
    setValue(micro);
  }, []);
  return [value, set];
}

/** The sealed size of any short message (the smallest padding bucket). */
const SHORT_MESSAGE_BYTES = sealedRequestBytes({ messages: [{ role: 'user', content: '' }] });

/**
 * What a max price means at a host's price, for a short message: the most a full answer
 * (`maxTokens`) can cost there, and how long an answer the max allows (0: nothing can be sent).
 */
export function maxPriceAtHost(p: { price: Price; coefficientMilli: bigint; maxCharge: bigint; maxTokens: number }) {
  return {
    fullAnswer: holdFor(p.price, SHORT_MESSAGE_BYTES, p.maxTokens, p.coefficientMilli),
    answerTokens: maxTokensWithin(p.price, SHORT_MESSAGE_BYTES, p.maxCharge, p.maxTokens, p.coefficientMilli),
  };
}

/** A per-1M price at a host's coefficient: what that host charges per 1M tokens. */
export const atCoefficient = (perMillion: bigint, coefficientMilli: bigint): bigint => (perMillion * coefficientMilli) / COEFFICIENT_BASE;
