/**
 * A small GGUF v3 writer: enough of the format to hand llama.cpp a model we build ourselves.
 * Layout (ggml/docs/gguf.md): header, metadata KVs, tensor infos, padding, then tensor data with
 * every tensor's offset aligned to `ALIGNMENT`. All integers little-endian.
 */

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
export const GGUF_VERSION = 3;
export const ALIGNMENT = 32;

/** Value type ids of the GGUF spec. */
const ValueType = { uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9 } as const;
/** ggml tensor type ids. */
export const TensorType = { F32: 0, F16: 1 } as const;

export type GgufValue =
  | { type: 'uint32' | 'int32' | 'float32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: readonly string[] }
  | { type: 'float32[]' | 'int32[]'; value: ArrayLike<number> };

export type GgufTensor = {
  name: string;
  /** ggml order: `shape[0]` is the innermost (contiguous) dimension. */
  shape: readonly number[];
  type: keyof typeof TensorType;
  data: Float32Array;
};

export type GgufModel = { metadata: ReadonlyArray<readonly [string, GgufValue]>; tensors: readonly GgufTensor[] };

/** Encodes a whole GGUF file in memory (our models are a few MB). */
export function encodeGguf(model: GgufModel): Buffer {
  const head = new ByteSink();
  head.u32(GGUF_MAGIC).u32(GGUF_VERSION).u64(model.tensors.length).u64(model.metadata.length);
  for (const [key, value] of model.metadata) {
    head.str(key);
    writeValue(head, value);
  }
  const blobs = model.tensors.map(tensorBytes);
  let offset = 0;
  model.tensors.forEach((t, i) => {
    head.str(t.name).u32(t.shape.length);
    for (const d of t.shape) head.u64(d);
    head.u32(TensorType[t.type]).u64(offset);
    offset = alignUp(offset + (blobs[i]?.length ?? 0));
  });
  const parts: Buffer[] = [head.toBuffer()];
  parts.push(Buffer.alloc(alignUp(parts[0]?.length ?? 0) - (parts[0]?.length ?? 0)));
  for (const blob of blobs) parts.push(blob, Buffer.alloc(alignUp(blob.length) - blob.length));
  return Buffer.concat(parts);
}

function writeValue(sink: ByteSink, v: GgufValue): void {
  switch (v.type) {
    case 'uint32': sink.u32(ValueType.uint32).u32(v.value); return;
    case 'int32': sink.u32(ValueType.int32).i32(v.value); return;
    case 'float32': sink.u32(ValueType.float32).f32(v.value); return;
    case 'bool': sink.u32(ValueType.bool).u8(v.value ? 1 : 0); return;
    case 'string': sink.u32(ValueType.string).str(v.value); return;
    case 'string[]':
      sink.u32(ValueType.array).u32(ValueType.string).u64(v.value.length);
      for (const s of v.value) sink.str(s);
      return;
    case 'float32[]':
    case 'int32[]': {
      const isFloat = v.type === 'float32[]';
      sink.u32(ValueType.array).u32(isFloat ? ValueType.float32 : ValueType.int32).u64(v.value.length);
      for (let i = 0; i < v.value.length; i++) {
        const x = v.value[i] ?? 0;
        if (isFloat) sink.f32(x);
        else sink.i32(x);
      }
    }
  }
}

function tensorBytes(t: GgufTensor): Buffer {
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (count !== t.data.length) throw new Error(`tensor ${t.name}: shape holds ${count} values, data ${t.data.length}`);
  if (t.type === 'F32') return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const out = Buffer.alloc(count * 2);
  for (let i = 0; i < count; i++) out.writeUInt16LE(float32ToFloat16Bits(t.data[i] ?? 0), i * 2);
  return out;
}

const alignUp = (n: number): number => Math.ceil(n / ALIGNMENT) * ALIGNMENT;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half precision bits of `x`, rounded to nearest even (Node 20 has no Float16Array). */
export function float32ToFloat16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0] ?? 0;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow to Inf
  if (e <= 0) {
    if (e < -10) return sign; // underflows to zero
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && (half & 1)) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // Rounding may carry into the exponent, which is the correct result (up to Inf).
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? 1 : 0));
}

/** Growable little-endian byte buffer for the header. */
class ByteSink {
  private buf = Buffer.alloc(1 << 16);
  private len = 0;
  private room(n: number): number {
    if (this.len + n > this.buf.length) {
      const next = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    const at = this.len;
    this.len += n;
    return at;
  }
  u8(v: number): this { this.buf.writeUInt8(v, this.room(1)); return this; }
  u32(v: number): this { this.buf.writeUInt32LE(v, this.room(4)); return this; }
  i32(v: number): this { this.buf.writeInt32LE(v, this.room(4)); return this; }
  f32(v: number): this { this.buf.writeFloatLE(v, this.room(4)); return this; }
  u64(v: number): this { this.buf.writeBigUInt64LE(BigInt(v), this.room(8)); return this; }
  str(s: string): this {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.length);
    bytes.copy(this.buf, this.room(bytes.length));
    return this;
  }
  toBuffer(): Buffer { return this.buf.subarray(0, this.len); }
}
