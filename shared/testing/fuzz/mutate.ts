import fc from 'fast-check';
import { concatBytes, fromUtf8, utf8 } from '../../protocol/encoding';

/**
 * Test-only: mutations of real test vectors, generated as small edit lists (so a failure prints,
 * replays and shrinks as a few edits, not as a 5 KB array) and applied to a copy of the vector.
 */
export type ByteEdit =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'truncate'; length: number }
  | { op: 'delete'; at: number; count: number }
  | { op: 'insert'; at: number; bytes: number[] }
  | { op: 'duplicate'; at: number; count: number }
  /** A length-field edit: the 1-4 byte integer at `at` set to `value`, or moved by `delta`. */
  | { op: 'field'; at: number; width: 1 | 2 | 3 | 4; bigEndian: boolean; value?: number; delta?: number };

const INTERESTING = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0xffffff, 0x7fffffff, 0x80000000, 0xffffffff];

function readField(b: Uint8Array, at: number, width: number, bigEndian: boolean): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + b[at + (bigEndian ? i : width - 1 - i)]!;
  return v;
}

function writeField(b: Uint8Array, at: number, width: number, bigEndian: boolean, value: number): void {
  const mod = 2 ** (8 * width);
  let v = ((value % mod) + mod) % mod;
  for (let i = 0; i < width; i++) {
    b[at + (bigEndian ? width - 1 - i : i)] = v % 256;
    v = Math.floor(v / 256);
  }
}

/** Applies `edits` in order to a copy of `base`; positions are taken modulo the current length. */
export function applyByteEdits(base: Uint8Array, edits: readonly ByteEdit[]): Uint8Array {
  let b: Uint8Array = base.slice();
  const pos = (at: number, extra = 0) => (b.length + extra === 0 ? 0 : at % (b.length + extra));
  for (const e of edits) {
    switch (e.op) {
      case 'flip':
        if (b.length) b[pos(e.at)]! ^= 1 << e.bit;
        break;
      case 'set':
        if (b.length) b[pos(e.at)] = e.value;
        break;
      case 'truncate':
        b = b.slice(0, Math.min(e.length, b.length));
        break;
      case 'delete': {
        const at = pos(e.at);
        b = concatBytes(b.subarray(0, at), b.subarray(at + e.count));
        break;
      }
      case 'insert': {
        const at = pos(e.at, 1);
        b = concatBytes(b.subarray(0, at), Uint8Array.from(e.bytes), b.subarray(at));
        break;
      }
      case 'duplicate': {
        const at = pos(e.at);
        const slice = b.subarray(at, at + e.count);
        b = concatBytes(b.subarray(0, at + slice.length), slice, b.subarray(at + slice.length));
        break;
      }
      case 'field': {
        if (b.length < e.width) break;
        const at = e.at % (b.length - e.width + 1);
        const old = readField(b, at, e.width, e.bigEndian);
        writeField(b, at, e.width, e.bigEndian, e.value ?? old + (e.delta ?? 0));
        break;
      }
    }
  }
  return b;
}

export interface ByteEditOptions {
  /** Offsets of length fields and other structure (where `field` edits land half the time). */
  hints?: readonly number[];
  /** Only length-preserving edits inside [start, end): for "a change in the signed region never verifies". */
  region?: readonly [number, number];
  maxEdits?: number;
}

const byteValue = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1, 0x7f, 0x80, 0xff));

/** Edit lists for a vector of `length` bytes. */
export function byteEdits(length: number, opts: ByteEditOptions = {}): fc.Arbitrary<ByteEdit[]> {
  const maxEdits = opts.maxEdits ?? 4;
  if (opts.region) {
    const [start, end] = opts.region;
    const at = fc.integer({ min: start, max: end - 1 });
    const edit = fc.oneof(
      fc.record({ op: fc.constant('flip' as const), at, bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ op: fc.constant('set' as const), at, value: byteValue }),
    );
    return fc.array(edit, { minLength: 1, maxLength: maxEdits });
  }
  const anyAt = fc.nat({ max: Math.max(0, length) });
  const hinted = opts.hints?.length ? fc.oneof(fc.constantFrom(...opts.hints), anyAt) : anyAt;
  const width = fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const);
  const edit: fc.Arbitrary<ByteEdit> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('flip' as const), at: anyAt, bit: fc.integer({ min: 0, max: 7 }) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('set' as const), at: anyAt, value: byteValue }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), length: fc.nat({ max: length }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), at: anyAt, count: fc.integer({ min: 1, max: 64 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('insert' as const), at: anyAt, bytes: fc.array(byteValue, { minLength: 1, maxLength: 32 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: anyAt, count: fc.integer({ min: 1, max: 64 }) }) },
    {
      weight: 3,
      arbitrary: fc.record(
        {
          op: fc.constant('field' as const),
          at: hinted,
          width,
          bigEndian: fc.boolean(),
          value: fc.constantFrom(...INTERESTING),
          delta: fc.constantFrom(-2, -1, 1, 2, 16, -16),
        },
        { requiredKeys: ['op', 'at', 'width', 'bigEndian'] },
      ),
    },
  );
  return fc.array(edit, { minLength: 1, maxLength: maxEdits });
}

/** A labelled base vector with its mutation edits: what a mutation-based input is. */
export interface Mutant {
  vector: string;
  edits: ByteEdit[];
}

/** Inputs built from several vectors: pick one, edit it. */
export function mutantsOf(vectors: Record<string, { bytes: Uint8Array; hints?: readonly number[] }>, opts: Omit<ByteEditOptions, 'hints'> = {}): fc.Arbitrary<Mutant> {
  const names = Object.keys(vectors);
  return fc.oneof(...names.map((vector) => byteEdits(vectors[vector]!.bytes.length, { ...opts, hints: vectors[vector]!.hints }).map((edits) => ({ vector, edits }))));
}

/** Text as bytes, edited, decoded back (invalid UTF-8 becomes U+FFFD, as a lenient reader would see it). */
export function editText(text: string, edits: readonly ByteEdit[]): string {
  const bytes = applyByteEdits(utf8(text), edits);
  try {
    return fromUtf8(bytes);
  } catch {
    return new TextDecoder().decode(bytes);
  }
}

/** Arbitrary strings: any code point (lone surrogates included), ASCII, and the characters parsers split on. */
export const anyString = (maxLength = 256): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'binary-ascii', maxLength }),
    fc.string({ unit: fc.constantFrom('a', '0', '=', '&', '%', ':', ' ', '\n', '\r', '\0', '"', '\\', '{', '}', '[', ']', ',', '-', '_', '+', '/'), maxLength }),
  );

/** Arbitrary bytes, short and long. */
export const anyBytes = (maxLength = 2048): fc.Arbitrary<Uint8Array> =>
  fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength }));
