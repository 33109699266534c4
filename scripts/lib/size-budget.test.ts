import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { INITIAL_JS_BUDGET_BYTES, initialJs, initialScripts } from './size-budget';

const utf8 = (s: string) => new TextEncoder().encode(s);
const html = `<!doctype html><head>
  <script type="module" crossorigin src="/assets/index-AAAA.js"></script>
  <link rel="modulepreload" crossorigin href="/assets/runtime-BBBB.js">
  <link rel="stylesheet" crossorigin href="/assets/index-CCCC.css">
  <script src="https://telegram.org/js/telegram-web-app.js"></script>
</head>`;

describe('initial JS budget', () => {
  it('counts the entry module and its modulepreloads, not styles, lazy chunks or other origins', () => {
    expect(initialScripts(html)).toEqual(['assets/index-AAAA.js', 'assets/runtime-BBBB.js']);
  });

  it('measures their gzip size, so incompressible bytes over the budget fail it', () => {
    const small = initialJs([
      { path: 'index.html', bytes: utf8(html) },
      { path: 'assets/index-AAAA.js', bytes: utf8('console.log("hi");'.repeat(5000)) },
      { path: 'assets/runtime-BBBB.js', bytes: utf8('export {};') },
      { path: 'assets/lazy-DDDD.js', bytes: randomBytes(400 * 1024) },
    ]);
    expect(small.files.map((f) => f.path)).toEqual(['assets/index-AAAA.js', 'assets/runtime-BBBB.js']);
    expect(small.gzipBytes).toBeLessThan(2048);
    const big = initialJs([
      { path: 'index.html', bytes: utf8(html) },
      { path: 'assets/index-AAAA.js', bytes: randomBytes(INITIAL_JS_BUDGET_BYTES) },
      { path: 'assets/runtime-BBBB.js', bytes: utf8('export {};') },
    ]);
    expect(big.gzipBytes).toBeGreaterThan(INITIAL_JS_BUDGET_BYTES);
  });

  it('refuses a build whose index.html loads a file it does not have', () => {
    expect(() => initialJs([{ path: 'index.html', bytes: utf8(html) }])).toThrow(/assets\/index-AAAA\.js/);
  });
});
