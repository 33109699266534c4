import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { learnBigrams } from './bigram-model';
import { mostFrequentPieces, readCorpus, splitPieces } from './corpus';
import { encodeGguf } from './gguf-writer';
import { toLlamaGguf } from './llama-gguf';
import { buildSpmVocab } from './spm-vocab';

export const DEMO_MODEL_NAME = 'cocoon-demo-bigram';
/** 510 words + the two shared contexts = an embedding width of 512 (8 heads of 64). */
const WORD_COUNT = 510;
const CONTEXT_LENGTH = 2048;

export type DemoModel = { path: string; name: string; sha256: string };

/** Builds the demo model's GGUF bytes from a corpus; deterministic for a given text. */
export function buildDemoModelBytes(corpus: string): Buffer {
  const pieces = splitPieces(corpus);
  const words = mostFrequentPieces(pieces, WORD_COUNT);
  const vocab = buildSpmVocab(words);
  const table = learnBigrams(vocab, words, pieces);
  return encodeGguf(toLlamaGguf(vocab, table, { name: DEMO_MODEL_NAME, contextLength: CONTEXT_LENGTH }));
}

/**
 * Returns the demo model in `cacheDir`, writing it there first if needed. Building takes a few
 * hundred milliseconds, so the model is always rebuilt in memory and the file is named by the hash
 * of its bytes: a changed corpus or builder can never be served a stale file. It is written to a
 * temporary name and renamed, so a reader never sees half a file.
 * @example const { path } = await ensureDemoModel('.cache/models')
 */
export async function ensureDemoModel(cacheDir: string): Promise<DemoModel> {
  const bytes = buildDemoModelBytes(await readCorpus());
  const hash = sha256(bytes);
  const path = join(cacheDir, `${DEMO_MODEL_NAME}-${hash.slice(0, 16)}.gguf`);
  const existing = await stat(path).catch((e: unknown) => {
    if (e instanceof Error && 'code' in e && e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (existing?.size !== bytes.length) {
    await mkdir(cacheDir, { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    } finally {
      await rm(tmp, { force: true });
    }
  }
  return { path, name: DEMO_MODEL_NAME, sha256: hash };
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
