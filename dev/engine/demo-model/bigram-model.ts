import { SPACE } from './corpus';
import { SpecialIds, type SpmVocab } from './spm-vocab';

/** Pieces that end a sentence: after them the model may stop (`</s>`) or start a new sentence. */
const SENTENCE_END = ['.', '?', '!'];
/** Tokens after which an answer starts: the prompt's final `Assistant:` and a line break. */
const ANSWER_START = ['<s>', '<0x0A>', ':'];
/** Chance of `</s>` after a sentence end: answers run about three sentences on average. */
const P_END = 0.35;
/** Interpolation with the unigram distribution, so unseen pairs stay possible. */
const LAMBDA = 0.95;
const LOG_FLOOR = -30;

export type BigramTable = {
  /** Number of contexts = the model's embedding width: one per word, then `start`, then `other`. */
  nContexts: number;
  /** Context of each token id. */
  contextOf: Int32Array;
  /** log p(token | context), row-major `[token][context]`: the layout of `output.weight`. */
  logProbs: Float32Array;
};

/**
 * Learns p(next | previous) over `words` from the corpus pieces. Each generatable word has its own
 * context; `<s>`, line breaks and `:` share the "answer start" context (what follows a sentence
 * end); every other token (prefixes, bytes, unknown words) shares one unigram context.
 */
export function learnBigrams(vocab: SpmVocab, words: readonly string[], pieces: ReadonlyArray<string | null>): BigramTable {
  const n = vocab.tokens.length;
  const start = words.length;
  const other = words.length + 1;
  const nContexts = words.length + 2;
  const wordIndex = new Map(words.map((w, i) => [w, i] as const));
  const tokenId = (w: string): number => vocab.idOf.get(w) ?? SpecialIds.unk;

  const pair = new Float64Array(words.length * words.length);
  const unigram = new Float64Array(words.length);
  const starters = new Float64Array(words.length);
  for (let i = 0; i < pieces.length; i++) {
    const b = wordIndex.get(pieces[i] ?? '');
    if (b === undefined) continue;
    unigram[b] = (unigram[b] ?? 0) + 1;
    const prev = pieces[i - 1] ?? '';
    const a = wordIndex.get(prev);
    if (a !== undefined) pair[a * words.length + b] = (pair[a * words.length + b] ?? 0) + 1;
    // An answer starts with a word, never with punctuation that happened to follow a full stop.
    if (SENTENCE_END.includes(prev) && pieces[i]?.startsWith(SPACE)) starters[b] = (starters[b] ?? 0) + 1;
  }
  const uniTotal = unigram.reduce((s, x) => s + x, 0);

  const logProbs = new Float32Array(n * nContexts).fill(LOG_FLOOR);
  const setRow = (ctx: number, counts: ArrayLike<number>, pEnd: number, lambda = LAMBDA): void => {
    const total = sumOf(counts);
    for (let b = 0; b < words.length; b++) {
      const pUni = (unigram[b] ?? 0) / uniTotal;
      const p = total > 0 ? lambda * (counts[b] ?? 0) / total + (1 - lambda) * pUni : pUni;
      logProbs[tokenId(words[b] ?? '') * nContexts + ctx] = Math.max(LOG_FLOOR, Math.log(p * (1 - pEnd)));
    }
    if (pEnd > 0) logProbs[SpecialIds.eos * nContexts + ctx] = Math.log(pEnd);
  };
  words.forEach((w, a) => {
    setRow(a, pair.subarray(a * words.length, (a + 1) * words.length), SENTENCE_END.includes(w) ? P_END : 0);
  });
  setRow(start, starters, 0, 1); // answers begin like the corpus's sentences, capitalised
  setRow(other, unigram, 0);

  const contextOf = new Int32Array(n).fill(other);
  words.forEach((w, i) => { contextOf[tokenId(w)] = i; });
  for (const t of ANSWER_START) contextOf[tokenId(t)] = start;
  return { nContexts, contextOf, logProbs };
}

function sumOf(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] ?? 0;
  return s;
}
