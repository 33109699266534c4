import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, readGgufFileInfo } from '../../llama/binding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCocoonError } from '@cocoon/shared/errors';
import { buildDemoModelBytes, DEMO_MODEL_NAME, ensureDemoModel, type DemoModel } from './build-demo-model';
import { readCorpus, SPACE, splitPieces } from './corpus';

let dir: string;
let model: DemoModel;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'demo-model-'));
  model = await ensureDemoModel(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('demo model', () => {
  it('is built once into the cache, atomically, and found there again', async () => {
    expect(model.name).toBe(DEMO_MODEL_NAME);
    expect(await readdir(dir)).toEqual([model.path.slice(dir.length + 1)]);
    expect((await stat(model.path)).size).toBeLessThan(30 * 2 ** 20);
    const written = (await stat(model.path)).mtimeMs;
    expect(await ensureDemoModel(dir)).toEqual(model);
    expect(await readdir(dir)).toHaveLength(1);
    expect((await stat(model.path)).mtimeMs).toBe(written);
  });

  it('is the same bytes on every build', async () => {
    const corpus = await readCorpus();
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    expect(sha(buildDemoModelBytes(corpus))).toBe(model.sha256);
  });

  it('is a one-block llama model with a SentencePiece vocabulary', async () => {
    const info = await readGgufFileInfo(model.path, { logWarnings: false });
    expect(info.metadata.general.architecture).toBe('llama');
    expect(info.metadata.general.name).toBe(DEMO_MODEL_NAME);
    expect(info.metadata.tokenizer.ggml.model).toBe('llama');
    expect(info.architectureMetadata.block_count).toBe(1);
    expect(info.architectureMetadata.embedding_length).toBe(512);
  });

  it('tokenizes known words to one token each and any text losslessly in llama.cpp', async () => {
    const llama = await getLlama({ gpu: false, build: 'never' });
    const vocab = await llama.loadModel({ modelPath: model.path, vocabOnly: true });
    try {
      const text = 'the program is free software under the terms';
      const words = vocab.tokenize(text);
      expect(words.map((t) => vocab.detokenize([t]))).toEqual(text.split(' '));
      const odd = 'Grüße, 東京 — naïve 42% théorie!\n\tend';
      expect(vocab.detokenize(vocab.tokenize(odd))).toBe(odd);
    } finally {
      await vocab.dispose();
    }
  });

  it('fails clearly when the corpus is missing', async () => {
    await expect(readCorpus(['/nonexistent/GPL-3'])).rejects.toSatisfy((e) =>
      isCocoonError(e, 'engine.unavailable') && /\/nonexistent\/GPL-3 is missing/.test(String(e)));
  });

  it('splits text into SentencePiece-style pieces, breaking at blank lines and numbers', () => {
    expect(splitPieces('"The Program" is free.\n\n  Section 7 (a) ends')).toEqual(
      [`${SPACE}The`, `${SPACE}Program`, `${SPACE}is`, `${SPACE}free`, '.', null, `${SPACE}Section`, null, `${SPACE}(`, 'a', ')', `${SPACE}ends`]);
  });
});
