import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { CocoonError } from '@cocoon/shared/errors';
import { fuzzTarget, FuzzFailure, type FuzzTarget } from '@cocoon/shared/testing/fuzz/harness';
import { anyString, applyByteEdits, byteEdits, type ByteEdit } from '@cocoon/shared/testing/fuzz/mutate';
import { createEngineClient, type EngineEvent } from '../../engine/engine-client';
import { createSseParser, readSse, type SseEvent } from '../../engine/sse';
import { ENGINE_VECTORS_DIR } from '../../engine/test-vectors';

/**
 * Test-only: fuzz targets for the engine side of the host agent: the SSE parser (any text, cut
 * anywhere, must give the same events as uncut, in time linear in its length) and the engine client
 * over mutated recordings of real engines (only `engine.*` errors, well-formed event sequences).
 */

const recording = (name: string) => new Uint8Array(readFileSync(new URL(name, ENGINE_VECTORS_DIR)));
const streams = {
  vllm: recording('vllm-chat-stream-usage.sse'),
  vllm06: recording('vllm-0.6-chat-stream-continuous-usage.sse'),
  ollama: recording('ollama-chat-stream-usage.EXCERPT.sse'),
  midstreamError: recording('vllm-chat-stream-midstream-error.RECONSTRUCTED.sse'),
};
const jsonBodies = {
  nonStream: recording('vllm-0.6-chat-nonstream-usage.json'),
  models: recording('vllm-0.9.2-models.pretty.json'),
  error: recording('vllm-error-400-context-length.json'),
};
type StreamName = keyof typeof streams;
type JsonName = keyof typeof jsonBodies;

/** Cuts `bytes` at the given fractions of its length (sorted, deduplicated). */
function cut(bytes: Uint8Array, at: readonly number[]): Uint8Array[] {
  const points = [...new Set(at.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    pieces.push(bytes.subarray(from, p));
    from = p;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function* piecesOf(pieces: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of pieces) yield p;
}

const sameEvents = (a: SseEvent[], b: SseEvent[]) => JSON.stringify(a) === JSON.stringify(b);

type SseInput = { text: string; cuts: number[] } | { stream: StreamName; edits: ByteEdit[]; cuts: number[] } | { longLine: number; piece: number };

const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });

const sse = fuzzTarget<SseInput>({
  name: 'engine.sse',
  testRuns: 2000,
  inputs: fc.oneof(
    { weight: 3, arbitrary: fc.record({ text: anyString(400), cuts }) },
    ...(Object.keys(streams) as StreamName[]).map((stream) => ({ weight: 2, arbitrary: fc.record({ stream: fc.constant(stream), edits: byteEdits(streams[stream].length), cuts }) })),
    // A long line (or many) fed in small pieces: the parser must not rescan what it has already seen.
    { weight: 1, arbitrary: fc.record({ longLine: fc.integer({ min: 1_000, max: 100_000 }), piece: fc.integer({ min: 1, max: 64 }) }) },
  ),
  async run(input) {
    if ('longLine' in input) {
      const parser = createSseParser();
      const piece = 'x'.repeat(input.piece);
      for (let n = 0; n < input.longLine; n += input.piece) parser.push(n === 0 ? 'data: ' : piece);
      parser.push('\n\n');
      return;
    }
    const bytes = 'text' in input ? new TextEncoder().encode(input.text) : applyByteEdits(streams[input.stream], input.edits);
    const whole = createSseParser().push(new TextDecoder().decode(bytes));
    const split = await collect(readSse(piecesOf(cut(bytes, input.cuts))));
    if (!sameEvents(whole, split)) throw new FuzzFailure('the events depend on where the stream was cut');
  },
});

type ClientInput = { stream: StreamName; edits: ByteEdit[]; cuts: number[] } | { json: JsonName; edits: ByteEdit[]; models: boolean } | { text: string; cuts: number[] };

function replayFetch(contentType: string, pieces: Uint8Array[]) {
  return () =>
    Promise.resolve(
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            for (const p of pieces) controller.enqueue(p);
            controller.close();
          },
        }),
        { status: 200, headers: { 'content-type': contentType } },
      ),
    );
}

/** A completed stream: deltas (never empty), then exactly one finish and one usage, last. */
function checkSequence(events: EngineEvent[]): void {
  const tail = events.slice(-2).map((e) => e.type).join(',');
  const ends = events.filter((e) => e.type !== 'delta').length;
  if (tail !== 'finish,usage' || ends !== 2) throw new FuzzFailure(`a stream ended with ${JSON.stringify(events.slice(-2))}`);
  if (events.some((e) => e.type === 'delta' && e.content === '')) throw new FuzzFailure('an empty delta');
  const usage = events[events.length - 1];
  if (usage?.type === 'usage' && (!Number.isSafeInteger(usage.promptTokens) || !Number.isSafeInteger(usage.completionTokens) || usage.promptTokens < 0 || usage.completionTokens < 0)) {
    throw new FuzzFailure('usage out of range');
  }
}

const engineErrors = (e: unknown) => e instanceof CocoonError && e.code.startsWith('engine.');

const client = fuzzTarget<ClientInput>({
  name: 'engine.client',
  testRuns: 1500,
  inputs: fc.oneof(
    ...(Object.keys(streams) as StreamName[]).map((stream) => ({ weight: 3, arbitrary: fc.record({ stream: fc.constant(stream), edits: byteEdits(streams[stream].length), cuts }) })),
    ...(Object.keys(jsonBodies) as JsonName[]).map((json) => ({ weight: 1, arbitrary: fc.record({ json: fc.constant(json), edits: byteEdits(jsonBodies[json].length), models: fc.boolean() }) })),
    { weight: 1, arbitrary: fc.record({ text: anyString(300), cuts }) },
  ),
  rejects: engineErrors,
  async run(input) {
    if ('json' in input) {
      const fetch = replayFetch('application/json', [applyByteEdits(jsonBodies[input.json], input.edits)]);
      const engine = createEngineClient({ baseUrl: 'http://engine.test', fetch });
      if (input.models) {
        const models = await engine.listModels();
        if (models.some((m) => typeof m.id !== 'string')) throw new FuzzFailure('a model without an id');
      } else checkSequence(await collect(engine.streamChat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })));
      return;
    }
    const bytes = 'text' in input ? new TextEncoder().encode(input.text) : applyByteEdits(streams[input.stream], input.edits);
    const engine = createEngineClient({ baseUrl: 'http://engine.test', fetch: replayFetch('text/event-stream', cut(bytes, input.cuts)) });
    checkSequence(await collect(engine.streamChat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })));
  },
});

export const engineTargets: FuzzTarget[] = [sse, client];
