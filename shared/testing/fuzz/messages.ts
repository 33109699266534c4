import fc from 'fast-check';
import { applyJsonEdits, awkwardJson, jsonEdits, type JsonEdit } from './json';
import { byteEdits, editText, type ByteEdit } from './mutate';

/** Test-only: inputs for JSON messages, built from valid samples. */

/** A wire message input: a sample edited structurally, edited as JSON text, or any JSON at all. */
export type MessageInput = { sample: number; json: JsonEdit[] } | { sample: number; text: ByteEdit[] } | { any: unknown };

export function messageInputs(samples: readonly unknown[]): fc.Arbitrary<MessageInput> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.oneof(...samples.map((s, i) => fc.record({ sample: fc.constant(i), json: jsonEdits(s) }))) },
    { weight: 2, arbitrary: fc.oneof(...samples.map((s, i) => fc.record({ sample: fc.constant(i), text: byteEdits(JSON.stringify(s).length, { maxEdits: 2 }) }))) },
    { weight: 1, arbitrary: fc.record({ any: awkwardJson }) },
  );
}

/** The frame text of an input, as a peer would send it. */
export function messageText(samples: readonly unknown[], input: MessageInput): string {
  if ('any' in input) return JSON.stringify(input.any) ?? 'null';
  if ('json' in input) return JSON.stringify(applyJsonEdits(samples[input.sample], input.json)) ?? 'null';
  return editText(JSON.stringify(samples[input.sample]), input.text);
}

