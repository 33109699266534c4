import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { z } from 'zod';
import type { WireError } from '@cocoon/shared/errors';
import { toFailure } from '../http/errors';

/** Close codes the broker uses. */
export const CloseCodes = { normal: 1000, goingAway: 1001, policy: 1008, tooBig: 1009 } as const;

/** Malformed frames tolerated before the connection is closed. */
const MAX_STRIKES = 3;

export interface JsonSocketOptions<S extends z.ZodType> {
  schema: S;
  log: FastifyBaseLogger;
  /** Messages are handled one at a time, in order; a throw becomes an `error` frame. */
  onMessage(msg: z.output<S>): Promise<void>;
  /** Sends an error frame in the socket's own message format. */
  sendError(error: WireError): void;
  onClose(): void | Promise<void>;
}

/**
 * Wraps a WebSocket that speaks one zod-described JSON protocol. Frames are never logged, only
 * their type and the outcome.
 */
export function serveJsonSocket<S extends z.ZodType>(socket: WebSocket, opts: JsonSocketOptions<S>): { finished: Promise<void> } {
  let strikes = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let queue = Promise.resolve();
  const fail = (e: unknown) => {
    const failure = toFailure(e);
    if (failure.status >= 500) opts.log.error({ err: e }, 'socket message failed');
    opts.sendError(failure.error);
  };
  socket.on('message', (data, isBinary) => {
    const parsed = isBinary ? undefined : parseFrame(opts.schema, String(data));
    if (!parsed?.success) {
      strikes++;
      opts.log.info({ strikes }, 'malformed frame');
      opts.sendError({ code: 'protocol.malformed_message', message: 'frame does not match the protocol' });
      if (strikes >= MAX_STRIKES) socket.close(CloseCodes.policy, 'too many malformed frames');
      return;
    }
    const msg = parsed.data;
    queue = queue.then(() => opts.onMessage(msg)).catch(fail);
  });
  socket.on('error', (err) => opts.log.info({ err: err.message }, 'socket error'));
  socket.on('close', () => {
    queue = queue.then(() => opts.onClose()).catch(fail).finally(finish);
  });
  return { finished };
}

function parseFrame<S extends z.ZodType>(schema: S, text: string): { success: true; data: z.output<S> } | { success: false } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { success: false };
  }
  const r = schema.safeParse(json);
  return r.success ? { success: true, data: r.data } : { success: false };
}

/** Sends a JSON frame if the socket is still open; a closed peer simply misses it. */
export function sendJson(socket: WebSocket, msg: unknown): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
}
