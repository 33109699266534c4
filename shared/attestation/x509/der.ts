import { CocoonError, type ErrorCode } from '../../errors';
import { hexOf } from './hex';

/**
 * A minimal, strict DER reader (X.690): enough for X.509 certificates, CRLs and the extensions the
 * attestation verifier reads. Every read is bounds-checked; malformed input throws a CocoonError
 * with the caller's code, never a RangeError.
 */
export interface Tlv {
  tag: number;
  /** The whole encoding: tag, length and value (what a signature covers when this is a TBS). */
  bytes: Uint8Array;
  value: Uint8Array;
}

export const Tag = {
  boolean: 0x01, integer: 0x02, bitString: 0x03, octetString: 0x04, null: 0x05, oid: 0x06, enumerated: 0x0a,
  utf8String: 0x0c, printableString: 0x13, ia5String: 0x16, utcTime: 0x17, generalizedTime: 0x18, sequence: 0x30, set: 0x31,
} as const;

/** Context-specific tag number n, constructed (`[n] EXPLICIT` or a constructed IMPLICIT). */
export const ctx = (n: number) => 0xa0 | n;

const MAX_LENGTH_BYTES = 4;

export class DerReader {
  constructor(readonly code: ErrorCode = 'attestation.certificate_invalid') {}

  fail(reason: string): never {
    throw new CocoonError(this.code, `DER: ${reason}`);
  }

  /** Reads one TLV at `offset`; returns it and the offset after it. */
  readAt(input: Uint8Array, offset: number): { tlv: Tlv; next: number } {
    if (offset + 2 > input.length) this.fail('truncated header');
    const tag = input[offset]!;
    if ((tag & 0x1f) === 0x1f) this.fail('multi-byte tags are not supported');
    let len = input[offset + 1]!;
    let hdr = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0) this.fail('indefinite length is not DER');
      if (n > MAX_LENGTH_BYTES || offset + 2 + n > input.length) this.fail('bad length');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + input[offset + 2 + i]!;
      if (len < 0x80 || input[offset + 2] === 0) this.fail('non-minimal length');
      hdr += n;
    }
    const end = offset + hdr + len;
    if (end > input.length) this.fail('value runs past its container');
    return { tlv: { tag, bytes: input.subarray(offset, end), value: input.subarray(offset + hdr, end) }, next: end };
  }

  /** The input must be exactly one TLV, with the expected tag when given. */
  one(input: Uint8Array, tag?: number): Tlv {
    const { tlv, next } = this.readAt(input, 0);
    if (next !== input.length) this.fail('trailing bytes after the value');
    if (tag !== undefined) this.expect(tlv, tag);
    return tlv;
  }

  children(tlv: Tlv): Tlv[] {
    if (!(tlv.tag & 0x20)) this.fail(`tag 0x${tlv.tag.toString(16)} is not constructed`);
    const out: Tlv[] = [];
    for (let o = 0; o < tlv.value.length; ) {
      const r = this.readAt(tlv.value, o);
      out.push(r.tlv);
      o = r.next;
    }
    return out;
  }

  /** Children of a SEQUENCE with at least `min` elements. */
  seq(tlv: Tlv, min = 0, tag: number = Tag.sequence): Tlv[] {
    this.expect(tlv, tag);
    const c = this.children(tlv);
    if (c.length < min) this.fail(`expected at least ${min} elements, got ${c.length}`);
    return c;
  }

  expect(tlv: Tlv | undefined, tag: number): Tlv {
    if (!tlv) return this.fail(`missing element, expected tag 0x${tag.toString(16)}`);
    if (tlv.tag !== tag) this.fail(`expected tag 0x${tag.toString(16)}, got 0x${tlv.tag.toString(16)}`);
    return tlv;
  }

  oid(tlv: Tlv | undefined): string {
    const v = this.expect(tlv, Tag.oid).value;
    if (v.length === 0 || (v[v.length - 1]! & 0x80)) this.fail('bad OID');
    const arcs: number[] = [];
    let acc = 0;
    for (const b of v) {
      if (acc === 0 && b === 0x80) this.fail('non-minimal OID arc');
      acc = acc * 128 + (b & 0x7f);
      if (acc > Number.MAX_SAFE_INTEGER / 128) this.fail('OID arc too large');
      if (!(b & 0x80)) {
        arcs.push(acc);
        acc = 0;
      }
    }
    const first = arcs.shift()!;
    const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
    return [...head, ...arcs].join('.');
  }

  /** An INTEGER's magnitude as lower-case hex without leading zeros (serial numbers). */
  integerHex(tlv: Tlv | undefined): string {
    const v = this.expect(tlv, Tag.integer).value;
    if (v.length === 0) this.fail('empty INTEGER');
    const hex = hexOf(v).replace(/^0+/, '');
    return hex === '' ? '0' : hex;
  }

  /** A small non-negative INTEGER (or ENUMERATED) as a number. */
  smallInt(tlv: Tlv | undefined, tag: number = Tag.integer): number {
    const v = this.expect(tlv, tag).value;
    if (v.length === 0 || v.length > 6 || (v[0]! & 0x80)) this.fail('expected a small non-negative integer');
    return v.reduce((n, b) => n * 256 + b, 0);
  }

  boolean(tlv: Tlv | undefined): boolean {
    const v = this.expect(tlv, Tag.boolean).value;
    if (v.length !== 1 || (v[0] !== 0 && v[0] !== 0xff)) this.fail('bad BOOLEAN');
    return v[0] === 0xff;
  }

  /** BIT STRING content whose length is a whole number of bytes (keys, signatures). */
  bitStringBytes(tlv: Tlv | undefined): Uint8Array {
    const v = this.expect(tlv, Tag.bitString).value;
    if (v.length === 0 || v[0] !== 0) this.fail('BIT STRING with unused bits');
    return v.subarray(1);
  }

  /** UTCTime or GeneralizedTime (Zulu, seconds precision, as RFC 5280 requires) in Unix ms. */
  time(tlv: Tlv | undefined): number {
    if (!tlv || (tlv.tag !== Tag.utcTime && tlv.tag !== Tag.generalizedTime)) return this.fail('expected a time');
    // Length first: spreading a long value into fromCharCode overflows the stack (a RangeError).
    if (tlv.value.length !== (tlv.tag === Tag.utcTime ? 13 : 15)) return this.fail('bad time encoding');
    const s = String.fromCharCode(...tlv.value);
    const m = tlv.tag === Tag.utcTime ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
    if (!m) return this.fail('bad time encoding');
    let year = Number(m[1]);
    if (tlv.tag === Tag.utcTime) year += year < 50 ? 2000 : 1900;
    const [mo, d, h, mi, se] = m.slice(2).map(Number) as [number, number, number, number, number];
    const ms = Date.UTC(year, mo - 1, d, h, mi, se);
    const back = new Date(ms);
    if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) this.fail('invalid date');
    return ms;
  }

  /** Any of the string types X.509 names use, decoded as UTF-8 (lossy for display only). */
  text(tlv: Tlv): string {
    return new TextDecoder('utf-8', { fatal: false }).decode(tlv.value);
  }
}
