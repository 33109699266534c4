import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { loadLlamaRunner, type LlamaRunner } from '../llama/llama-runner';
import { toOpenAiError } from './openai-errors';
import { registerOpenAiRoutes } from './openai-routes';

export type BuiltinEngineOptions = {
  modelPath: string;
  /** The id served by `/v1/models` and required in requests' `model`. */
  modelName: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Tokens per sequence; defaults to the model's training context. */
  contextSize?: number;
  logger?: FastifyBaseLogger;
};

export type BuiltinEngine = {
  /** Loads the model and listens; resolves to the OpenAI base URL (`http://host:port/v1`). */
  start(): Promise<{ url: string }>;
  /** Ends generations in flight, stops listening and frees the model. */
  close(): Promise<void>;
  /** The base URL once started. */
  readonly url: string;
};

/**
 * llama.cpp (through node-llama-cpp, CPU only) behind the OpenAI-compatible API, so the host agent
 * talks to it exactly as to vLLM. One generation at a time; others wait in line.
 * @example const engine = createBuiltinEngine({ modelPath, modelName }); const { url } = await engine.start();
 */
export function createBuiltinEngine(opts: BuiltinEngineOptions): BuiltinEngine {
  const host = opts.host ?? '127.0.0.1';
  const inFlight = new Set<AbortController>();
  let runner: LlamaRunner | undefined;
  let app: FastifyInstance | undefined;
  let url = '';

  return {
    get url() {
      if (!url) throw new Error('the built-in engine is not started');
      return url;
    },
    async start() {
      runner = await loadLlamaRunner({
        modelPath: opts.modelPath,
        contextSize: opts.contextSize,
        log: (message) => opts.logger?.warn({ llama: message }, 'llama.cpp'),
      });
      // close() ends every generation anyway; forcing connections closed also drops the idle
      // sockets HTTP clients open ahead of time, which would otherwise hold close() for a minute.
      const base = { forceCloseConnections: true } as const;
      app = opts.logger ? Fastify({ ...base, loggerInstance: opts.logger }) : Fastify({ ...base, logger: false });
      app.setErrorHandler((err, request, reply) => {
        const { status, body } = toOpenAiError(err);
        if (status >= 500) request.log.error({ err }, 'request failed');
        return reply.code(status).send(body);
      });
      app.setNotFoundHandler((request, reply) =>
        reply.code(404).send({ error: { message: `Not Found: ${request.method} ${request.url}`, type: 'NotFoundError', param: null, code: 404 } }));
      registerOpenAiRoutes(app, { runner, modelName: opts.modelName, inFlight });
      const address = await app.listen({ host, port: opts.port ?? 0 });
      url = `${address}/v1`;
      return { url };
    },
    async close() {
      for (const abort of inFlight) abort.abort();
      await app?.close();
      await runner?.close();
      app = undefined;
      runner = undefined;
    },
  };
}
