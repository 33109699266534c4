import { gzipSync } from 'node:zlib';
import type { BuildFile } from '@cocoon/shared/web-build';

/**
 * The Mini App's first-load budget (issue 13, item 7): the JavaScript a phone must download before
 * the first paint (the entry script and what index.html preloads with it), gzip-compressed as the
 * broker serves it at the least (brotli is smaller). Lazy chunks and the crypto worker load later.
 */
/** 150 kB, in the units Vite's build report uses (1 kB = 1000 bytes). */
export const INITIAL_JS_BUDGET_BYTES = 150_000;

/** The scripts index.html loads at once: module entries and modulepreloads, as build paths. */
export function initialScripts(indexHtml: string): string[] {
  const found = new Set<string>();
  const tag = /<(script|link)\b[^>]*>/g;
  for (const [element, name] of indexHtml.matchAll(tag)) {
    const isEntry = name === 'script' && /\btype="module"/.test(element);
    const isPreload = name === 'link' && /\brel="modulepreload"/.test(element);
    const url = /\b(?:src|href)="([^"]+)"/.exec(element)?.[1];
    if ((isEntry || isPreload) && url && !/^[a-z]+:/i.test(url)) found.add(url.replace(/^\.?\//, ''));
  }
  return [...found];
}

export interface InitialJs {
  files: { path: string; bytes: number; gzipBytes: number }[];
  gzipBytes: number;
}

/** The initial scripts of a build and their gzip size (level 9, as the build precompresses). */
export function initialJs(build: readonly BuildFile[]): InitialJs {
  const byPath = new Map(build.map((f) => [f.path, f.bytes]));
  const html = byPath.get('index.html');
  if (!html) throw new Error('the build has no index.html');
  const files = initialScripts(new TextDecoder().decode(html)).map((path) => {
    const bytes = byPath.get(path);
    if (!bytes) throw new Error(`index.html loads ${path}, which the build does not have`);
    return { path, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  });
  return { files, gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
}

export const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
