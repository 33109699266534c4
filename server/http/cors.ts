import type { FastifyInstance } from 'fastify';

/** What the Mini App sends: JSON bodies and a Bearer session token, never cookies. */
const ALLOW_METHODS = 'GET, POST, PATCH, DELETE';
const ALLOW_HEADERS = 'authorization, content-type';
const PREFLIGHT_MAX_AGE_S = '600';

/**
 * CORS for the one origin a static host serves the Mini App from (`WEB_ORIGIN`): that origin
 * gets `Access-Control-Allow-Origin` and answered preflights; any other gets no CORS header, so
 * browsers keep other pages from reading the API. No credentials: sessions are Bearer tokens.
 * WebSockets are outside CORS; the client socket authenticates with the token in its first frame.
 */
export function installCors(app: FastifyInstance, webOrigin: string): void {
  app.addHook('onRequest', async (req, reply) => {
    reply.header('vary', 'Origin');
    if (req.headers.origin !== webOrigin) return;
    reply.header('access-control-allow-origin', webOrigin);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      reply.header('access-control-allow-methods', ALLOW_METHODS);
      reply.header('access-control-allow-headers', ALLOW_HEADERS);
      reply.header('access-control-max-age', PREFLIGHT_MAX_AGE_S);
      return reply.code(204).send();
    }
  });
}
