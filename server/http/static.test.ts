import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { installNotFound, registerWebApp } from './static';

/**
 * The Mini App's files as a phone gets them (issue 13, item 7): the build's brotli or gzip copy per
 * Accept-Encoding, hashed assets cached for a year, index.html revalidated.
 */
const js = `export const greeting = ${JSON.stringify('hello '.repeat(400))};\n`;
const html = `<!doctype html><html><head><title>Cocoon</title><script type="module" src="/assets/app-3f9a1c.js"></script></head><body>${'<p>x</p>'.repeat(200)}</body></html>`;
let dist: string;
let app: FastifyInstance;

async function withCopies(path: string, body: string): Promise<void> {
  await writeFile(path, body);
  await writeFile(`${path}.br`, brotliCompressSync(body));
  await writeFile(`${path}.gz`, gzipSync(body));
}

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'cocoon-web-'));
  await mkdir(join(dist, 'assets'));
  await withCopies(join(dist, 'index.html'), html);
  await withCopies(join(dist, 'assets', 'app-3f9a1c.js'), js);
  // Left uncompressed by the build (a small or already-compressed file): served as it is.
  await writeFile(join(dist, 'assets', 'icon-77aa.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  // The broker's own static handler and SPA fallback, as server/app.ts installs them.
  app = Fastify();
  await app.register((web) => registerWebApp(web, dist));
  installNotFound(app, dist);
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await rm(dist, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });
const decode: Record<string, (b: Buffer) => Buffer> = { br: brotliDecompressSync, gzip: gunzipSync };

describe('static files, precompressed', () => {
  it.each([
    ['br, gzip, deflate', 'br'],
    ['gzip, deflate', 'gzip'],
    ['gzip;q=1.0, br;q=0.5', 'gzip'],
  ])('Accept-Encoding %s gets %s, with the type, caching and Vary of the file it encodes', async (accept, encoding) => {
    const res = await get('/assets/app-3f9a1c.js', { 'accept-encoding': accept });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe(encoding);
    expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript; charset=utf-8$/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
    expect(res.headers.etag).toBeTruthy();
    expect(res.rawPayload.length).toBeLessThan(js.length / 5);
    expect(decode[encoding]!(res.rawPayload).toString()).toBe(js);
  });

  it('sends the plain file to a client that accepts no encoding, still varying on it', async () => {
    const res = await get('/assets/app-3f9a1c.js', { 'accept-encoding': 'identity' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body).toBe(js);
    expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
    const png = await get('/assets/icon-77aa.png', { 'accept-encoding': 'br, gzip' });
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(png.headers['content-type']).toBe('image/png');
  });

  it('gives each encoding its own ETag, and answers a matching If-None-Match with 304', async () => {
    const br = await get('/assets/app-3f9a1c.js', { 'accept-encoding': 'br' });
    const gz = await get('/assets/app-3f9a1c.js', { 'accept-encoding': 'gzip' });
    const plain = await get('/assets/app-3f9a1c.js');
    expect(new Set([br.headers.etag, gz.headers.etag, plain.headers.etag]).size).toBe(3);
    const again = await get('/assets/app-3f9a1c.js', { 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
  });

  it.each(['/', '/index.html', '/chat/42'])('%s: index.html compressed and revalidated on every load (no-cache)', async (url) => {
    const res = await get(url, { 'accept-encoding': 'br, gzip' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(res.rawPayload).toString()).toBe(html);
  });
});
