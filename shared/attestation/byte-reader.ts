import { CocoonError, type ErrorCode } from '../errors';

/**
 * A bounds-checked little-endian reader for packed binary evidence (Intel quotes, SPDM messages). Reading past the end throws
 * a CocoonError with the reader's code (never a RangeError), so hostile input cannot escape the
 * verifier's typed failures.
 */
export class ByteReader {
  private pos = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly code: ErrorCode = 'attestation.quote_malformed',
    private readonly what = 'quote',
  ) {}

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  fail(reason: string): never {
    throw new CocoonError(this.code, `${this.what}: ${reason}`);
  }

  take(n: number, field: string): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.remaining) this.fail(`${field} (${n} bytes) runs past the end at offset ${this.pos}`);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  rest(): Uint8Array {
    return this.take(this.remaining, 'rest');
  }

  u16(field: string): number {
    const b = this.take(2, field);
    return b[0]! | (b[1]! << 8);
  }

  u8(field: string): number {
    return this.take(1, field)[0]!;
  }

  u24(field: string): number {
    const b = this.take(3, field);
    return b[0]! | (b[1]! << 8) | (b[2]! << 16);
  }

  u32(field: string): number {
    const b = this.take(4, field);
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16)) + b[3]! * 0x1000000;
  }

  /** A u32-length-prefixed (or u16 with `width` 2) block, read as its own bounded sub-reader. */
  sized(width: 2 | 4, field: string): ByteReader {
    const len = width === 2 ? this.u16(`${field} size`) : this.u32(`${field} size`);
    return new ByteReader(this.take(len, field), this.code, `${this.what} ${field}`);
  }

  /** The sub-structure must be consumed exactly: a size that disagrees with the content is malformed. */
  end(): void {
    if (this.remaining !== 0) this.fail(`${this.remaining} unexpected bytes at the end`);
  }
}
