import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from './errors';

/**
 * Vite names assets by content hash: they never change, so caches may keep them forever.
 * index.html names the current ones, so it is revalidated on every load (its ETag makes that a 304).
 * `path` may be a precompressed copy (`x.js.br`): it is cached as the file it encodes.
 */
function cacheControlFor(path: string): string {
  const file = path.replace(/\.(?:br|gz)$/, '');
  if (/[\\/]assets[\\/]/.test(file)) return 'public, max-age=31536000, immutable';
  if (file.endsWith('.html')) return 'no-cache';
  return 'public, max-age=3600';
}

/**
 * Serves the built Mini App at `/`. The build writes brotli and gzip copies beside each text file
 * (scripts/lib/precompress.ts); `preCompressed` picks one per Accept-Encoding (brotli first), with
 * the original's content type, `Vary: Accept-Encoding`, and an ETag of the bytes actually sent
 * (each encoding has its own, as a shared cache needs), falling back to the plain file.
 */
export async function registerWebApp(app: FastifyInstance, webDist: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: resolve(webDist),
    prefix: '/',
    cacheControl: false,
    preCompressed: true,
    setHeaders: (reply, path) => {
      reply.header('cache-control', cacheControlFor(path));
    },
  });
}

const isApiPath = (url: string) => url === '/api' || url.startsWith('/api/') || url.startsWith('/healthz');

/**
 * Unknown `/api/*` routes answer a JSON 404; with the Mini App served, any other GET falls back to
 * its index.html so client-side routes survive a reload.
 */
export function installNotFound(app: FastifyInstance, webDist: string | undefined): void {
  app.setNotFoundHandler((req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0] ?? '/';
    if (webDist && (req.method === 'GET' || req.method === 'HEAD') && !isApiPath(path)) {
      return reply.sendFile('index.html');
    }
    const failure = notFound();
    return reply.status(failure.status).send({ error: failure.error });
  });
}
