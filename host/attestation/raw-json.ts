/**
 * The exact text of each top-level member's value in a JSON object. Intel signs the bytes of
 * `tcbInfo` / `enclaveIdentity` as PCS sent them, so they are cut out of the body, never
 * re-serialized (key order, spacing or number forms could change and break the signature).
 * The text must already be known to be valid JSON (`JSON.parse` it first).
 * @example rawJsonMembers('{"a": {"b":1}, "s":"x"}').get('a') // '{"b":1}'
 */
export function rawJsonMembers(json: string): Map<string, string> {
  const out = new Map<string, string>();
  let depth = 0;
  let key: string | undefined;
  let start = -1;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      const end = stringEnd(json, i);
      if (depth === 1 && key === undefined) key = String(JSON.parse(json.slice(i, end + 1)));
      i = end;
    } else if (c === ':' && depth === 1) start = i + 1;
    else if (c === '{' || c === '[') depth++;
    else if ((c === ',' && depth === 1) || ((c === '}' || c === ']') && --depth === 0)) {
      if (key !== undefined) out.set(key, json.slice(start, i).trim());
      key = undefined;
    }
  }
  return out;
}

/** Index of the quote that closes the string opened at `open`. */
function stringEnd(s: string, open: number): number {
  let i = open + 1;
  while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
  return i;
}
