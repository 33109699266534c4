/**
 * The YAML subset our compose file is written in (block maps and lists, `- key: value` items,
 * flow lists, quoted and plain scalars, comments), parsed for structural checks in tests: there is
 * no YAML library in this repository and no Docker engine on the test machine. Anything outside
 * the subset throws, so the file cannot drift into forms these checks would misread.
 */
export type Yaml = string | Yaml[] | { [key: string]: Yaml };

interface Line {
  indent: number;
  text: string;
  no: number;
}

function stripComment(s: string): string {
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]!))) return s.slice(0, i);
  }
  return s;
}

function scalar(raw: string, no: number): Yaml {
  const s = raw.trim();
  if (s.startsWith('[')) {
    if (!s.endsWith(']')) throw new Error(`line ${no}: unterminated flow list`);
    const items: string[] = [];
    let cur = '';
    let quote: string | null = null;
    for (const c of s.slice(1, -1)) {
      if (quote) {
        cur += c;
        if (c === quote) quote = null;
      } else if (c === '"' || c === "'") (quote = c), (cur += c);
      else if (c === ',') items.push(cur), (cur = '');
      else cur += c;
    }
    if (cur.trim()) items.push(cur);
    return items.map((i) => scalar(i, no) as string);
  }
  if (s.startsWith('{')) throw new Error(`line ${no}: flow maps are outside the subset`);
  if (s.startsWith('"')) {
    if (!s.endsWith('"') || s.length < 2) throw new Error(`line ${no}: unterminated string`);
    return s.slice(1, -1).replace(/\\(["\\])/g, '$1');
  }
  if (s.startsWith("'")) {
    if (!s.endsWith("'") || s.length < 2) throw new Error(`line ${no}: unterminated string`);
    return s.slice(1, -1).replace(/''/g, "'");
  }
  return s;
}

const KEY = /^([A-Za-z0-9_.-]+):(?:\s+(.*))?$/;

function block(lines: Line[], start: number, indent: number): [Yaml, number] {
  let i = start;
  if (lines[i]!.text.startsWith('- ') || lines[i]!.text === '-') {
    const list: Yaml[] = [];
    while (i < lines.length && lines[i]!.indent === indent && (lines[i]!.text.startsWith('- ') || lines[i]!.text === '-')) {
      const content = lines[i]!.text.slice(1).trim();
      if (!content) {
        const [v, next] = block(lines, i + 1, lines[i + 1]!.indent);
        list.push(v);
        i = next;
      } else if (KEY.test(content) && !content.startsWith('"')) {
        // `- key: value` opens a map whose keys sit two columns in.
        const inner = [...lines];
        inner[i] = { indent: indent + 2, text: content, no: lines[i]!.no };
        const [v, next] = block(inner, i, indent + 2);
        list.push(v);
        i = next;
      } else {
        list.push(scalar(content, lines[i]!.no));
        i++;
      }
    }
    return [list, i];
  }
  const map: { [key: string]: Yaml } = {};
  while (i < lines.length && lines[i]!.indent === indent) {
    const m = KEY.exec(lines[i]!.text);
    if (!m) throw new Error(`line ${lines[i]!.no}: expected key: value, got ${lines[i]!.text}`);
    const key = m[1]!;
    if (key in map) throw new Error(`line ${lines[i]!.no}: duplicate key ${key}`);
    if (m[2] !== undefined && m[2] !== '') {
      map[key] = scalar(m[2], lines[i]!.no);
      i++;
    } else {
      const next = lines[i + 1];
      if (next && (next.indent > indent || (next.indent === indent && next.text.startsWith('- ')))) {
        const [v, after] = block(lines, i + 1, next.indent);
        map[key] = v;
        i = after;
      } else {
        map[key] = '';
        i++;
      }
    }
  }
  if (i < lines.length && lines[i]!.indent > indent) throw new Error(`line ${lines[i]!.no}: unexpected indentation`);
  return [map, i];
}

export function parseMiniYaml(text: string): Yaml {
  const lines: Line[] = [];
  text.split('\n').forEach((raw, n) => {
    if (raw.includes('\t')) throw new Error(`line ${n + 1}: tabs are not YAML indentation`);
    const body = stripComment(raw).trimEnd();
    if (!body.trim()) return;
    lines.push({ indent: body.length - body.trimStart().length, text: body.trim(), no: n + 1 });
  });
  if (!lines.length) return {};
  const [v, end] = block(lines, 0, lines[0]!.indent);
  if (end !== lines.length) throw new Error(`line ${lines[end]!.no}: unexpected content`);
  return v;
}
