import fc from 'fast-check';
import { byteEdits, editText, type ByteEdit } from './mutate';

/**
 * Test-only: structural mutations of a JSON value (a wire message, a collateral document): a leaf
 * or a subtree deleted, replaced by an awkward value, its text edited byte-wise, its number moved,
 * or an extra key added. Generated as edit lists over the base value's paths.
 */
export type JsonEdit =
  | { path: number; op: 'delete' }
  | { path: number; op: 'replace'; value: unknown }
  | { path: number; op: 'text'; edits: ByteEdit[] }
  | { path: number; op: 'number'; delta: number }
  | { path: number; op: 'addKey'; key: string; value: unknown };

type Path = (string | number)[];

/** Every path in `value`, the root (`[]`) first. */
export function jsonPaths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...jsonPaths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...jsonPaths(v, [...prefix, k]));
  return out;
}

/** Awkward values: what schemas most often let through that decoders then choke on. */
export const awkwardJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      null, true, false, 0, -0, 1, -1, 0.5, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 53), 1e308, -1e308,
      '', 'A', 'AA', 'AAA', 'AAAAA', 'AB', 'AAB', '_', '-_-_-', '=', 'AA==', 'a b', '0', 'x', 'ff', 'fff', '0g', '\u0000', '\ud800', '\u2028',
      '00000000-0000-0000-0000-000000000000', 'sha256:', [], {}, [null], { type: 'error' },
    ),
  },
);

/** Edit lists over `base`'s paths. */
export function jsonEdits(base: unknown, maxEdits = 3): fc.Arbitrary<JsonEdit[]> {
  const count = jsonPaths(base).length;
  const path = fc.nat({ max: count - 1 });
  const edit: fc.Arbitrary<JsonEdit> = fc.oneof(
    { weight: 2, arbitrary: fc.record({ path, op: fc.constant('delete' as const) }) },
    { weight: 4, arbitrary: fc.record({ path, op: fc.constant('replace' as const), value: awkwardJson }) },
    { weight: 4, arbitrary: fc.record({ path, op: fc.constant('text' as const), edits: byteEdits(64, { maxEdits: 2 }) }) },
    { weight: 2, arbitrary: fc.record({ path, op: fc.constant('number' as const), delta: fc.constantFrom(-1, 1, 0.5, -(2 ** 32), 2 ** 32, 2 ** 53) }) },
    { weight: 1, arbitrary: fc.record({ path, op: fc.constant('addKey' as const), key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'type', 'suite')), value: awkwardJson }) },
  );
  return fc.array(edit, { minLength: 1, maxLength: maxEdits });
}

/** The paths of each base value edits are applied to (the bases are fixed vectors, never mutated: edits go to a copy). */
const basePaths = new WeakMap<object, Path[]>();
function pathsOf(base: unknown): Path[] {
  if (base === null || typeof base !== 'object') return jsonPaths(base);
  let paths = basePaths.get(base);
  if (!paths) basePaths.set(base, (paths = jsonPaths(base)));
  return paths;
}

/** Applies `edits` to a deep copy of `base` (paths resolved against `base`; vanished ones are skipped). */
export function applyJsonEdits(base: unknown, edits: readonly JsonEdit[]): unknown {
  const paths = pathsOf(base);
  const root = { v: structuredClone(base) as unknown };
  for (const e of edits) {
    const path = ['v', ...paths[e.path % paths.length]!];
    const key = path[path.length - 1]!;
    let parent: unknown = root;
    for (const p of path.slice(0, -1)) parent = parent !== null && typeof parent === 'object' ? (parent as Record<string | number, unknown>)[p] : undefined;
    if (parent === null || typeof parent !== 'object') continue;
    const holder = parent as Record<string | number, unknown>;
    if (!(key in holder)) continue;
    const old = holder[key];
    switch (e.op) {
      case 'delete':
        if (Array.isArray(holder)) holder.splice(Number(key), 1);
        else if (path.length > 1) delete holder[key];
        break;
      case 'replace':
        // A copy: awkwardJson's constants ({}, [null], ...) are single objects, and a later addKey
        // in this or any other input must not write into them (a run of 400 000 inputs made one circular).
        holder[key] = structuredClone(e.value);
        break;
      case 'text':
        if (typeof old === 'string') holder[key] = editText(old, e.edits);
        break;
      case 'number':
        if (typeof old === 'number') holder[key] = old + e.delta;
        break;
      case 'addKey':
        if (old !== null && typeof old === 'object' && !Array.isArray(old)) Object.defineProperty(old, e.key, { value: structuredClone(e.value), enumerable: true, writable: true, configurable: true });
        break;
    }
  }
  return root.v;
}
