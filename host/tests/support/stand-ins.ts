import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real local HTTP server answering with `handle`; closes its open responses on close. */
export async function httpStandIn(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const open = new Set<ServerResponse>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    open.add(res);
    res.on('close', () => open.delete(res));
    handle(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () =>
      new Promise<void>((r) => {
        open.forEach((s) => s.destroy());
        server.close(() => r());
        // Idle keep-alive connections would hold close() for seconds.
        server.closeAllConnections();
      }),
  };
}

/**
 * An OpenAI-compatible engine stand-in serving `models`. Its completions stream one delta, then
 * wait until `release()` before finishing: a test decides when a running job ends.
 */
export async function gatedEngine(models: string[]) {
  let waiting: (() => void)[] = [];
  let released = false;
  const s = await httpStandIn((req, res) => {
    if (req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: models.map((id) => ({ id, object: 'model' })) }));
      return;
    }
    if (req.url === '/v1/chat/completions' && req.method === 'POST') {
      req.resume();
      const chunk = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      chunk({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: models[0], choices: [{ index: 0, delta: { role: 'assistant', content: 'Hello' }, finish_reason: null }] });
      const finish = () => {
        chunk({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: models[0], choices: [{ index: 0, delta: { content: ' world' }, finish_reason: 'stop' }] });
        chunk({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: models[0], choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } });
        res.end('data: [DONE]\n\n');
      };
      if (released) finish();
      else waiting.push(finish);
      return;
    }
    res.writeHead(404).end();
  });
  return {
    ...s,
    /** Completions waiting for release. */
    pending: () => waiting.length,
    /** Finishes every waiting completion, and all later ones at once. */
    release() {
      released = true;
      waiting.splice(0).forEach((f) => f());
    },
    hold() {
      released = false;
      waiting = [];
    },
  };
}
