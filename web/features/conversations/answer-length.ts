import { useCallback, useState } from 'react';
import { MAX_TOKENS } from '../../config';

/** How long answers may be, as the user chooses it: a token budget per answer. */
export const ANSWER_LENGTHS = { short: 256, normal: MAX_TOKENS, long: 4096 } as const;
export type AnswerLength = keyof typeof ANSWER_LENGTHS;
export const ANSWER_LENGTH_KEYS = Object.keys(ANSWER_LENGTHS) as AnswerLength[];
/** A setting, not conversation content: kept in clear in localStorage. */
export const ANSWER_LENGTH_STORAGE_KEY = 'cocoon.answerLength';

/**
 * The answer budget sent with a job: the user's choice, bounded by the model's context length so
 * that a quarter of it (at least 256 tokens) stays for the conversation.
 * @example effectiveMaxTokens('long', 2048) // 1536
 */
export function effectiveMaxTokens(length: AnswerLength, contextLength: number | null): number {
  const wanted = ANSWER_LENGTHS[length];
  if (!contextLength) return wanted;
  const promptRoom = Math.max(256, Math.floor(contextLength / 4));
  return Math.max(1, Math.min(wanted, contextLength - promptRoom));
}

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>;

function deviceStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage refused to this frame: the choice lasts the session
  }
}

export function loadAnswerLength(storage: Storage | null = deviceStorage()): AnswerLength {
  const stored = storage?.getItem(ANSWER_LENGTH_STORAGE_KEY);
  return ANSWER_LENGTH_KEYS.find((k) => k === stored) ?? 'normal';
}

/** The user's answer length and its setter, which remembers it on this device. */
export function useAnswerLength(): [AnswerLength, (length: AnswerLength) => void] {
  const [value, setValue] = useState(loadAnswerLength);
  const set = useCallback((length: AnswerLength) => {
    deviceStorage()?.setItem(ANSWER_LENGTH_STORAGE_KEY, length);
    setValue(length);
  }, []);
  return [value, set];
}
