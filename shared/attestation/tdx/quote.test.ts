import { describe, expect, it } from 'vitest';
import { CocoonError } from '../../errors';
import { bytesEqual, concatBytes, toHex } from '../../protocol/encoding';
import { readVector } from '../../testing/vectors';
import { quoteParts, serializeQuote } from '../../testing/tdx-forge';
import { parseTdxQuote } from './quote';
import { tdAttributeFlags } from './reports';

const cocoon = readVector('cocoon-tdx-v4-quote.dat');
const phala = readVector('phala-tdx-v4-quote.bin');

/** Parsing must end in a typed CocoonError (or succeed), never in anything else. */
function parseOutcome(bytes: Uint8Array): string {
  try {
    parseTdxQuote(bytes);
    return 'ok';
  } catch (e) {
    if (!(e instanceof CocoonError)) throw e;
    return e.code;
  }
}

describe('TDX quote parsing', () => {
  it('reads the Cocoon quote: v4, TD 1.0, FMSPC 90C06F000000, 70 bytes of zero padding', () => {
    const q = parseTdxQuote(cocoon);
    expect([q.header.version, q.bodyType, q.pck.fmspc, q.pck.pceId, q.pckChain.length]).toEqual([4, 'TD1.0', '90c06f000000', '0000', 3]);
    expect(cocoon.length - serializeQuote(quoteParts(cocoon)).length).toBe(70);
    expect(toHex(q.body.mrTd)).toMatch(/^7357a10d2e2724df/);
  });

  it('reads the Cocoon TD attributes: DEBUG off, SEPT_VE_DISABLE on', () => {
    const f = tdAttributeFlags(parseTdxQuote(cocoon).body.tdAttributes);
    expect([f.debug, f.underDebug, f.septVeDisable]).toEqual([false, false, true]);
  });

  it('reads the Phala quote: v4, FMSPC B0C06F000000', () => {
    const q = parseTdxQuote(phala);
    expect([q.header.version, q.bodyType, q.pck.fmspc, q.pck.pceSvn]).toEqual([4, 'TD1.0', 'b0c06f000000', 11]);
  });

  it('re-serializes a parsed quote to the same bytes (the layout is read exactly)', () => {
    const again = serializeQuote({ ...quoteParts(phala), padding: phala.length - serializeQuote(quoteParts(phala)).length });
    expect(bytesEqual(again, phala)).toBe(true);
  });

  it('reads a v5 quote with a TD 1.5 body (TEE_TCB_SVN2, MRSERVICETD)', () => {
    const p = quoteParts(cocoon);
    const header = p.header.slice();
    header[0] = 5;
    const td15 = concatBytes(p.body, new Uint8Array(16).fill(7), new Uint8Array(48).fill(9));
    const v4 = serializeQuote(p);
    const sig = v4.subarray(48 + 584);
    const q = parseTdxQuote(concatBytes(header, new Uint8Array([3, 0, 648 & 0xff, 648 >> 8, 0, 0]), td15, sig));
    expect([q.header.version, q.bodyType, toHex(q.body.mrServiceTd!).slice(0, 4), q.signedBytes.length]).toEqual([5, 'TD1.5', '0909', 48 + 6 + 648]);
  });

  it('rejects a non-zero byte after the signature data, accepts zeros', () => {
    const padded = concatBytes(cocoon, new Uint8Array(8));
    expect(parseOutcome(padded)).toBe('ok');
    const dirty = concatBytes(cocoon, new Uint8Array([0, 0, 1]));
    expect(parseOutcome(dirty)).toBe('attestation.quote_malformed');
    const inPadding = cocoon.slice();
    inPadding[cocoon.length - 10] = 0x20;
    expect(() => parseTdxQuote(inPadding)).toThrow(/non-zero byte/);
  });

  it.each([
    ['version 3', 0, 3],
    ['SGX TEE type', 4, 0],
    ['certification data type 5 at the outer level', 48 + 584 + 4 + 128, 5],
  ])('rejects a header or layout change: %s', (_, offset, value) => {
    const b = cocoon.slice();
    b[offset] = value;
    expect(parseOutcome(b)).toBe('attestation.quote_malformed');
  });

  it('answers every truncation with a typed error', () => {
    const outcomes = new Set<string>();
    for (let n = 0; n < cocoon.length - 70; n += 7) outcomes.add(parseOutcome(cocoon.subarray(0, n)));
    expect(outcomes.has('ok')).toBe(false);
    expect(outcomes.has('attestation.quote_malformed')).toBe(true);
  });

  it('answers random corruption with a typed error or a parse (never a crash)', () => {
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    for (let i = 0; i < 300; i++) {
      const b = cocoon.slice();
      for (let k = 0; k < 3; k++) b[rand(b.length)] = rand(256);
      expect(() => parseOutcome(b)).not.toThrow();
    }
  });

  it('rejects size fields that point past the end', () => {
    const b = cocoon.slice();
    b.set([0xff, 0xff, 0xff, 0x7f], 48 + 584);
    expect(() => parseTdxQuote(b)).toThrow(/signature data.*runs past the end/);
  });
});
