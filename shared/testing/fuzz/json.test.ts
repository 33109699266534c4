import { describe, expect, it } from 'vitest';
import { applyJsonEdits, jsonPaths, type JsonEdit } from './json';

describe('fuzz findings: the fuzzer itself', () => {
  it('tdx.collateral.parse (input #439 197 of the full run): inserted values are copies, so no input can write into the next one or make a value circular', () => {
    // awkwardJson hands out the same `{}` object every time; before, addKey wrote into it, and
    // after enough inputs the shared object held itself: JSON.stringify threw in the fuzzer.
    const shared = {};
    const base = { a: 1, b: { c: 2 } };
    const root = jsonPaths(base).findIndex((p) => p.length === 0);
    const a = jsonPaths(base).findIndex((p) => p.join('.') === 'a');
    const edits: JsonEdit[] = [
      { path: a, op: 'replace', value: shared },
      { path: root, op: 'addKey', key: 'x', value: shared },
    ];
    for (let i = 0; i < 3; i++) {
      const edited = applyJsonEdits(base, [...edits, { path: a, op: 'addKey', key: `k${i}`, value: shared }]);
      expect(() => JSON.stringify(edited)).not.toThrow();
    }
    expect(shared).toEqual({});
    expect(base).toEqual({ a: 1, b: { c: 2 } });
  });
});
