import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ChatCompletionChunk, ModelList } from '@cocoon/shared/protocol/openai-chat';

/** What the engine does with the next chat completions: answer, fail, say nothing, or stall mid-stream. */
export type EngineBehaviour = 'answer' | 'http-503' | 'http-429' | 'silent' | 'stall-after-2';

export const SCRIPTED_MODEL = 'scripted/model';
/** The answer every `answer` request gets, and the usage the engine reports for it. */
export const SCRIPTED_ANSWER: ScriptedAnswer = { deltas: ['Hello', ', ', 'world', '!'], usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 } };

/** An answer's text as the stream's deltas, and the usage reported after them. */
export interface ScriptedAnswer {
  deltas: string[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

export interface ScriptedEngine {
  /** The OpenAI base URL (`…/v1`). */
  url: string;
  behaviour: EngineBehaviour;
  /** What `answer` streams (SCRIPTED_ANSWER unless a test sets another, e.g. markdown for the Mini App's rendering). */
  answer: ScriptedAnswer;
  /** Chat completion requests whose connection is still open (a silent or stalled answer the host has not given up on). */
  readonly open: number;
  close(): Promise<void>;
}

const sse = (res: ServerResponse, data: ChatCompletionChunk | '[DONE]') => res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
const chunk = (choices: ChatCompletionChunk['choices'], usage?: ChatCompletionChunk['usage']): ChatCompletionChunk => ({ id: 'chatcmpl-scripted', object: 'chat.completion.chunk', created: 0, model: SCRIPTED_MODEL, choices, ...(usage && { usage }) });
const delta = (content: string) => chunk([{ index: 0, delta: { content }, finish_reason: null }]);

/**
 * An OpenAI-compatible engine over real HTTP (as host/engine/test-vectors.ts serves recorded
 * answers) whose chat completions do what the test sets in `behaviour`. It has no `/tokenize` (404).
 */
export async function startScriptedEngine(): Promise<ScriptedEngine> {
  const sockets = new Set<Socket>();
  let open = 0;
  const server = createServer((req, res) => {
    respond(req, res).catch((e: unknown) => res.destroy(e instanceof Error ? e : new Error(String(e))));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });

  async function respond(req: IncomingMessage, res: ServerResponse) {
    for await (const _ of req); // the request body is not looked at
    if (req.method === 'GET' && req.url === '/v1/models') {
      const list: ModelList = { object: 'list', data: [{ id: SCRIPTED_MODEL, object: 'model' }] };
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(list));
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return void res.writeHead(404).end();
    switch (engine.behaviour) {
      case 'http-503':
        return void res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'model is loading', type: 'ServiceUnavailable', code: 503 } }));
      case 'http-429':
        return void res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end(JSON.stringify({ error: { message: 'too many requests', type: 'RateLimitError', code: 429 } }));
      case 'silent':
        open++;
        return void res.once('close', () => open--);
      case 'stall-after-2':
        open++;
        res.once('close', () => open--);
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.socket?.setNoDelay(true);
        for (const text of SCRIPTED_ANSWER.deltas.slice(0, 2)) sse(res, delta(text));
        return; // and nothing more, the connection left open
      case 'answer':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const text of engine.answer.deltas) sse(res, delta(text));
        sse(res, chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
        sse(res, chunk([], engine.answer.usage));
        sse(res, '[DONE]');
        return void res.end();
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const engine: ScriptedEngine = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    behaviour: 'answer',
    answer: SCRIPTED_ANSWER,
    get open() {
      return open;
    },
    close: () => new Promise<void>((resolve) => {
      sockets.forEach((s) => s.destroy());
      server.close(() => resolve());
    }),
  };
  return engine;
}
