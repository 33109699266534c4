import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from '../../llama/binding';
import { afterAll, describe, expect, it } from 'vitest';
import { ALIGNMENT, encodeGguf, float32ToFloat16Bits, type GgufModel } from './gguf-writer';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** Reads `a.b.c` from the nested metadata object node-llama-cpp's reader returns. */
const at = (obj: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? Reflect.get(o, k) : undefined), obj);

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

describe('GGUF writer', () => {
  it('writes a file that node-llama-cpp reads back, metadata, tensor infos and data', async () => {
    const model: GgufModel = {
      metadata: [
        ['general.architecture', { type: 'string', value: 'llama' }],
        ['test.u32', { type: 'uint32', value: 4_000_000_000 }],
        ['test.i32', { type: 'int32', value: -5 }],
        ['test.f32', { type: 'float32', value: 0.25 }],
        ['test.flag', { type: 'bool', value: true }],
        ['test.words', { type: 'string[]', value: ['a', '\u2581b\u00e9', ''] }],
        ['test.floats', { type: 'float32[]', value: [1.5, -2] }],
        ['test.ints', { type: 'int32[]', value: Int32Array.of(-1, 2, 3) }],
      ],
      tensors: [
        { name: 'a', shape: [3, 2], type: 'F32', data: Float32Array.of(0, 1, 2, 3, 4, 5) },
        { name: 'b', shape: [5], type: 'F16', data: Float32Array.of(0, 1, -2, 0.5, 65504) },
        { name: 'c', shape: [1], type: 'F32', data: Float32Array.of(-7) },
      ],
    };
    const bytes = encodeGguf(model);
    expect(bytes.length % ALIGNMENT).toBe(0);
    const dir = await mkdtemp(join(tmpdir(), 'gguf-'));
    dirs.push(dir);
    const path = join(dir, 't.gguf');
    await writeFile(path, bytes);

    const info = await readGgufFileInfo(path, { logWarnings: false });
    expect(info.version).toBe(3);
    expect(Number(info.tensorCount)).toBe(3);
    expect(at(info.metadata, 'general.architecture')).toBe('llama');
    expect(at(info.metadata, 'test.u32')).toBe(4_000_000_000);
    expect(at(info.metadata, 'test.i32')).toBe(-5);
    expect(at(info.metadata, 'test.f32')).toBe(0.25);
    expect(at(info.metadata, 'test.flag')).toBe(true);
    expect(at(info.metadata, 'test.words')).toEqual(['a', '\u2581b\u00e9', '']);
    expect(at(info.metadata, 'test.floats')).toEqual([1.5, -2]);
    expect(at(info.metadata, 'test.ints')).toEqual([-1, 2, 3]);

    const file = await readFile(path);
    const tensors = info.tensorInfo ?? [];
    expect(tensors.map((t) => [t.name, t.dimensions.map(Number), t.ggmlType])).toEqual([['a', [3, 2], 0], ['b', [5], 1], ['c', [1], 0]]);
    for (const t of tensors) expect(Number(t.fileOffset) % ALIGNMENT).toBe(0);
    const [a, b, c] = tensors.map((t) => Number(t.fileOffset));
    expect(Array.from({ length: 6 }, (_, i) => file.readFloatLE((a ?? 0) + i * 4))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from({ length: 5 }, (_, i) => halfToNumber(file.readUInt16LE((b ?? 0) + i * 2)))).toEqual([0, 1, -2, 0.5, 65504]);
    expect(file.readFloatLE(c ?? 0)).toBe(-7);
  });

  it('rounds float32 to half precision like IEEE 754 (nearest, ties to even)', () => {
    const cases: Array<[number, number]> = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [1 / 3, 0x3555], [65504, 0x7bff],
      [65520, 0x7c00], [Infinity, 0x7c00], [2 ** -24, 0x0001], [2 ** -26, 0x0000], [1 + 2 ** -11, 0x3c00],
      [1 + 3 * 2 ** -11, 0x3c02], [2 ** -14, 0x0400],
    ];
    for (const [x, bits] of cases) expect(float32ToFloat16Bits(x), String(x)).toBe(bits);
    expect(float32ToFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(float32ToFloat16Bits(NaN) & 0x3ff).not.toBe(0);
  });

  it('refuses a tensor whose data does not fill its shape', () => {
    expect(() => encodeGguf({ metadata: [], tensors: [{ name: 'x', shape: [2, 2], type: 'F32', data: new Float32Array(3) }] }))
      .toThrow(/shape holds 4 values/);
  });
});
