import { SPACE } from './corpus';

/** llama.cpp's token attribute ids (`tokenizer.ggml.token_type`). */
const TokenType = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

export const SpecialIds = { unk: 0, bos: 1, eos: 2 } as const;

export type SpmVocab = {
  tokens: string[];
  scores: Float32Array;
  types: Int32Array;
  idOf: ReadonlyMap<string, number>;
};

/**
 * A SentencePiece ("llama") vocabulary that llama.cpp's tokenizer can use on any input:
 * `<unk> <s> </s>`, the 256 byte-fallback tokens, `▁`, every printable ASCII character, and each
 * word piece together with all of its `▁`-prefixes. llama.cpp's SPM tokenizer only merges two
 * adjacent symbols when their concatenation is a token, so without the prefixes a word could never
 * be reached; with them (and no other multi-character tokens) the leftmost `▁`-symbol always
 * absorbs its neighbour and every known word becomes exactly one token.
 */
export function buildSpmVocab(wordPieces: readonly string[]): SpmVocab {
  const tokens: string[] = ['<unk>', '<s>', '</s>'];
  const types: number[] = [TokenType.unknown, TokenType.control, TokenType.control];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TokenType.byte);
  }
  const normal = new Set<string>([SPACE]);
  for (let c = 0x21; c <= 0x7e; c++) normal.add(String.fromCharCode(c));
  const prefixes = new Set<string>();
  for (const piece of wordPieces) {
    if (piece.length === 1) {
      if (!normal.has(piece)) throw new Error(`unexpected single-character piece ${piece}`);
      continue;
    }
    if (!piece.startsWith(SPACE)) throw new Error(`word piece ${piece} must start with ${SPACE}`);
    for (let i = 2; i <= piece.length; i++) prefixes.add(piece.slice(0, i));
  }
  for (const t of [...normal, ...[...prefixes].sort()]) {
    tokens.push(t);
    types.push(TokenType.normal);
  }
  // Merge priority: longer pieces first. Only one merge is ever possible per word, so this is
  // a tie-breaker that keeps the vocabulary well-formed rather than a learned score.
  const scores = Float32Array.from(tokens, (t, i) => (types[i] === TokenType.normal ? t.length : 0));
  const idOf = new Map(tokens.map((t, i) => [t, i] as const));
  return { tokens, scores, types: Int32Array.from(types), idOf };
}
