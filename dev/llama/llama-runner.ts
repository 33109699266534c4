import { randomInt } from 'node:crypto';
import { getLlama, LlamaLogLevel, type Llama, type LlamaModel, type Token } from 'node-llama-cpp';
import { CocoonError } from '@cocoon/shared/errors';

export type GenerateOptions = {
  prompt: readonly Token[];
  maxTokens: number;
  temperature: number;
  topP: number;
  /** Same seed, prompt and options: same tokens. Without one, a random seed (node-llama-cpp's own
   * default is the current second, which would repeat answers sent within the same second). */
  seed: number | undefined;
  signal: AbortSignal;
  onText: (text: string) => void;
};

/**
 * `completionTokens` counts every token the model produced, the stop token `</s>` included, as
 * vLLM does; `aborted` means the caller's signal ended it early (no finish reason then).
 */
export type GenerateResult = { completionTokens: number; finishReason: 'stop' | 'length' | 'aborted' };

export type LlamaRunner = {
  readonly contextSize: number;
  /** The prompt as the model sees it: BOS (if the model asks for it), then the text's tokens. */
  tokenize(text: string): Token[];
  /** Runs one generation; calls wait in line, one sequence at a time. */
  generate(opts: GenerateOptions): Promise<GenerateResult>;
  close(): Promise<void>;
};

/** The demo model's sampling default, as a model's generation config would set it. */
const TOP_K = 40;

/**
 * Loads a GGUF model on the CPU with llama.cpp. One thread: on small CPU machines more threads
 * contend and are much slower for a model this small.
 */
export async function loadLlamaRunner(opts: {
  modelPath: string;
  contextSize?: number;
  log?: (message: string) => void;
}): Promise<LlamaRunner> {
  let llama: Llama;
  let model: LlamaModel;
  try {
    llama = await getLlama({
      gpu: false,
      build: 'never',
      logLevel: LlamaLogLevel.warn,
      logger: (_level, message) => opts.log?.(message.trim()),
    });
    model = await llama.loadModel({ modelPath: opts.modelPath });
  } catch (cause) {
    throw new CocoonError('engine.unavailable', `cannot load model ${opts.modelPath}`, { cause });
  }
  const context = await model.createContext({ contextSize: opts.contextSize ?? model.trainContextSize, threads: 1, sequences: 1 });
  const sequence = context.getSequence();
  let queue: Promise<unknown> = Promise.resolve();

  async function run(g: GenerateOptions): Promise<GenerateResult> {
    if (g.signal.aborted) return { completionTokens: 0, finishReason: 'aborted' };
    await sequence.clearHistory();
    const decoder = textDecoder(model, g.prompt);
    let completionTokens = 0;
    const generated = sequence.evaluate([...g.prompt], {
      temperature: g.temperature, topP: g.topP, topK: TOP_K, seed: g.seed ?? randomInt(2 ** 32), yieldEogToken: true,
    });
    for await (const token of generated) {
      completionTokens++;
      if (model.isEogToken(token)) return { completionTokens, finishReason: 'stop' };
      const text = decoder(token);
      if (text) g.onText(text);
      if (g.signal.aborted) return { completionTokens, finishReason: 'aborted' };
      if (completionTokens >= g.maxTokens) return { completionTokens, finishReason: 'length' };
    }
    return { completionTokens, finishReason: 'length' }; // the context is full
  }

  return {
    contextSize: context.contextSize,
    tokenize: (text) => {
      const bos = model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
      return [...(bos === null ? [] : [bos]), ...model.tokenize(text)];
    },
    generate(g) {
      const result = queue.then(() => run(g));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      await queue;
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}

/**
 * Token-by-token text that reads right: each token is decoded after the ones before it (so
 * `▁word` keeps its space), and tokens that end mid-character wait for the rest of it.
 */
function textDecoder(model: LlamaModel, prompt: readonly Token[]): (token: Token) => string {
  const history = [...prompt];
  let pending: Token[] = [];
  let started = false;
  return (token) => {
    pending.push(token);
    let text = model.detokenize(pending, false, history.slice(-16));
    if (text.endsWith('\uFFFD') && pending.length < 4) return '';
    history.push(...pending);
    pending = [];
    // The answer follows "Assistant:"; its first word's space is the format's, not the answer's.
    if (!started) text = text.trimStart();
    started ||= text !== '';
    return text;
  };
}
