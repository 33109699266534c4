import { describe, expect, it } from 'vitest';
import { rawJsonMembers } from './raw-json';

describe('rawJsonMembers', () => {
  it('cuts out each top-level value exactly as written, spacing and escapes included', () => {
    const body = '{ "tcbInfo" : {"a": [1, {"b":"}]"}], "c":1.0e0 } ,\n"signature":"ab\\"cd", "n": null, "k\\u0022": [ ] }';
    const m = rawJsonMembers(body);
    expect([...m.keys()]).toEqual(['tcbInfo', 'signature', 'n', 'k"']);
    expect(m.get('tcbInfo')).toBe('{"a": [1, {"b":"}]"}], "c":1.0e0 }');
    expect(m.get('signature')).toBe('"ab\\"cd"');
    expect([m.get('n'), m.get('k"')]).toEqual(['null', '[ ]']);
  });

  it('finds nothing in an empty object and ignores nested keys', () => {
    expect(rawJsonMembers('{}').size).toBe(0);
    expect([...rawJsonMembers('{"x":{"tcbInfo":{}}}').keys()]).toEqual(['x']);
  });
});
