import fc from 'fast-check';
import { CocoonError } from '../../errors';
import { concatBytes } from '../../protocol/encoding';
import { DerReader } from '../../attestation/x509/der';
import { applyByteEdits, byteEdits, type ByteEdit } from './mutate';

/**
 * Test-only: structure-aware mutations of DER (certificates, CRLs, extensions). The vector is read
 * into a tree once (OCTET and BIT STRINGs that hold DER are opened too); each edit changes one node
 * and the tree is re-encoded with correct lengths, so the mutation reaches deep into the parser
 * instead of stopping at the first length check.
 */
export interface DerNode {
  tag: number;
  /** Constructed: the children. */
  children?: DerNode[];
  /** Primitive: the content. */
  value?: Uint8Array;
  /** An OCTET or BIT STRING holding one DER value (`prefix`: the BIT STRING's unused-bits byte). */
  inner?: { prefix: Uint8Array; node: DerNode };
}

export type DerEdit =
  | { node: number; op: 'bytes'; edits: ByteEdit[] }
  | { node: number; op: 'tag'; tag: number }
  | { node: number; op: 'drop' }
  | { node: number; op: 'dup' }
  /** Wraps the node in `depth` SEQUENCEs: recursion in readers that walk trees. */
  | { node: number; op: 'nest'; depth: number }
  /** A primitive of `length` bytes of `fill`: readers that spread a value into a call. */
  | { node: number; op: 'big'; length: number; fill: number };

const reader = new DerReader();

export function derTree(bytes: Uint8Array): DerNode {
  return nodeOf(reader.one(bytes));
}

function nodeOf(tlv: { tag: number; value: Uint8Array }): DerNode {
  if (tlv.tag & 0x20) return { tag: tlv.tag, children: reader.children({ ...tlv, bytes: tlv.value }).map(nodeOf) };
  const prefixLength = tlv.tag === 0x03 ? 1 : tlv.tag === 0x04 ? 0 : -1;
  if (prefixLength >= 0 && tlv.value.length > prefixLength + 1 && (prefixLength === 0 || tlv.value[0] === 0)) {
    try {
      const inner = reader.one(tlv.value.subarray(prefixLength));
      if (inner.tag & 0x20) return { tag: tlv.tag, inner: { prefix: tlv.value.subarray(0, prefixLength), node: nodeOf(inner) } };
    } catch (e) {
      if (!(e instanceof CocoonError)) throw e;
    }
  }
  return { tag: tlv.tag, value: tlv.value };
}

function header(tag: number, length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(tag, length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Uint8Array.of(tag, 0x80 | bytes.length, ...bytes);
}

const tlv = (tag: number, content: Uint8Array): Uint8Array => concatBytes(header(tag, content.length), content);

/** `depth` nested SEQUENCEs around `content`, built without copying the content `depth` times. */
function nested(content: Uint8Array, depth: number): Uint8Array {
  const headers: Uint8Array[] = [];
  let length = content.length;
  for (let i = 0; i < depth; i++) {
    const h = header(0x30, length);
    headers.push(h);
    length += h.length;
  }
  return concatBytes(...headers.reverse(), content);
}

export function countNodes(node: DerNode): number {
  if (node.children) return 1 + node.children.reduce((n, c) => n + countNodes(c), 0);
  if (node.inner) return 1 + countNodes(node.inner.node);
  return 1;
}

/** Re-encodes `root` with `edits` applied to the nodes they name (pre-order index modulo the count). */
export function encodeDerWith(root: DerNode, edits: readonly DerEdit[]): Uint8Array {
  const total = countNodes(root);
  const byNode = new Map<number, DerEdit[]>();
  for (const e of edits) byNode.set(e.node % total, [...(byNode.get(e.node % total) ?? []), e]);
  let index = 0;
  const encode = (node: DerNode): Uint8Array[] => {
    const mine = byNode.get(index++) ?? [];
    let tag = node.tag;
    let content: Uint8Array;
    if (node.children) content = concatBytes(...node.children.flatMap(encode));
    else if (node.inner) content = concatBytes(node.inner.prefix, ...encode(node.inner.node));
    else content = node.value!;
    let out: Uint8Array[] = [];
    for (const e of mine) {
      if (e.op === 'bytes') content = applyByteEdits(content, e.edits);
      else if (e.op === 'tag') tag = e.tag;
      else if (e.op === 'big') content = new Uint8Array(e.length).fill(e.fill);
    }
    out = [tlv(tag, content)];
    for (const e of mine) {
      if (e.op === 'drop') out = [];
      else if (e.op === 'dup') out = [...out, ...out];
      else if (e.op === 'nest') out = [nested(concatBytes(...out), e.depth)];
    }
    return out;
  };
  return concatBytes(...encode(root));
}

/** Edit lists for a tree of `nodes` nodes. */
export function derEdits(nodes: number, maxEdits = 3): fc.Arbitrary<DerEdit[]> {
  const node = fc.nat({ max: nodes - 1 });
  const edit: fc.Arbitrary<DerEdit> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ node, op: fc.constant('bytes' as const), edits: byteEdits(64, { maxEdits: 2 }) }) },
    { weight: 2, arbitrary: fc.record({ node, op: fc.constant('tag' as const), tag: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x17, 0x18, 0x30, 0x31, 0xa0, 0xa3, 0x80)) }) },
    { weight: 2, arbitrary: fc.record({ node, op: fc.constant('drop' as const) }) },
    { weight: 1, arbitrary: fc.record({ node, op: fc.constant('dup' as const) }) },
    // Deep nesting and huge values cost milliseconds each: one input in a few dozen is enough.
    { weight: 1, arbitrary: fc.record({ node, op: fc.constant('nest' as const), depth: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 1000, max: 10_000 }) }) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        node,
        op: fc.constant('big' as const),
        length: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 300 }) }, { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 140_000 }) }),
        fill: fc.constantFrom(0x30, 0x00, 0x41, 0xff),
      }),
    },
  );
  return fc.array(edit, { minLength: 1, maxLength: maxEdits });
}
