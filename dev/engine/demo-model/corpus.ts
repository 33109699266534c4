import { readFile } from 'node:fs/promises';
import { CocoonError } from '@cocoon/shared/errors';

/**
 * The demo model learns from license texts that every Debian system ships (package base-files),
 * so building it needs no download and gives the same bytes on every machine of a release.
 */
export const CORPUS_FILES = ['/usr/share/common-licenses/GPL-3', '/usr/share/common-licenses/Apache-2.0'] as const;

/** SentencePiece's word-boundary marker: a piece that follows a space starts with it. */
export const SPACE = '\u2581';

export async function readCorpus(files: readonly string[] = CORPUS_FILES): Promise<string> {
  const texts: string[] = [];
  for (const file of files) {
    try {
      texts.push(await readFile(file, 'utf8'));
    } catch (cause) {
      throw new CocoonError(
        'engine.unavailable',
        `demo model corpus ${file} is missing (it ships with Debian's base-files package)`,
        { cause },
      );
    }
  }
  return texts.join('\n\n');
}

const PIECE = /\s+|"|[A-Za-z]+(?:'[A-Za-z]+)?|[.,;:!?()]|[^\sA-Za-z.,;:!?()"]+/g;

/**
 * Splits text into SentencePiece-style pieces ("▁word", ".", "▁("), the unit the bigram model
 * counts. `null` marks a break (blank line, numbers, URLs): no bigram spans it. Double quotes are
 * dropped without breaking, so `"The Program"` reads as `▁The ▁Program`.
 */
export function splitPieces(text: string): Array<string | null> {
  const pieces: Array<string | null> = [];
  let spaceBefore = true;
  for (const [m] of text.matchAll(PIECE)) {
    if (m === '"') continue;
    if (m.trim() === '') {
      if (/\n[ \t]*\n/.test(m)) pieces.push(null);
      spaceBefore = true;
    } else if (/^[A-Za-z.,;:!?()]/.test(m)) {
      pieces.push((spaceBefore ? SPACE : '') + m);
      spaceBefore = false;
    } else {
      pieces.push(null);
      spaceBefore = false;
    }
  }
  return pieces;
}

/** Pieces the model may generate: words after a space and punctuation; ties broken by text. */
export function mostFrequentPieces(pieces: ReadonlyArray<string | null>, count: number): string[] {
  const freq = new Map<string, number>();
  for (const p of pieces) {
    if (p !== null && (p.startsWith(SPACE) || p.length === 1)) freq.set(p, (freq.get(p) ?? 0) + 1);
  }
  return [...freq.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, count)
    .map(([p]) => p);
}
