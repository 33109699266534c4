import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { z } from 'zod';
import { isCocoonError, type WireError } from '@cocoon/shared/errors';
import { toFailure } from '../http/errors';
import { setMaxFrameBytes } from './frame-limits';
import { startHeartbeat } from './heartbeat';
import { InboundQueue, type InboundFrame } from './inbound-queue';
import type { SocketSet } from './socket-set';
import { maxFrameBytes, type SocketRole } from './ws-limits';

/** Close codes the broker uses. */
export const CloseCodes = { normal: 1000, goingAway: 1001, policy: 1008, tooBig: 1009 } as const;

/** Malformed frames tolerated before the connection is terminated. */
const MAX_STRIKES = 3;
/** What every message costs against its sender's inbound budget beside its bytes (FairDispatcher). */
const MESSAGE_COST_BYTES = 1024;

export interface JsonSocketOptions<S extends z.ZodType> {
  schema: S;
  role: SocketRole;
  /** The server's open sockets, with their limits and fair dispatcher. */
  sockets: SocketSet;
  /** Whose turn its messages take (FairDispatcher): the user or host once known, else the address. */
  fairnessKey(): string;
  /** Whether its messages spend the key's inbound budget: true unless told (enrolled hosts: not). */
  metered?(): boolean;
  log: FastifyBaseLogger;
  /** Messages are handled one at a time, in order; a throw becomes an `error` frame. */
  onMessage(msg: z.output<S>): Promise<void>;
  /**
   * Binary frames (hosts' sealed chunks, shared/protocol/chunk-frame.ts), handled in order with the
   * JSON messages (a job's start before its first chunk). A throw of protocol.malformed_message
   * counts as a malformed frame. Without it (clients), every binary frame is malformed.
   */
  onBinary?(bytes: Uint8Array): Promise<void>;
  /** Sends an error frame in the socket's own message format. */
  sendError(error: WireError): void;
  onClose(): void | Promise<void>;
}

/** Most chunk frames of one host handled in one dispatcher turn (binaryRun). */
const BINARY_RUN = 64;

const slowConsumerBound = new WeakMap<WebSocket, { maxBytes: number; terminate(reason: string): void }>();

/**
 * Wraps a WebSocket that speaks one zod-described JSON protocol (and, on host sockets, binary
 * chunk frames: `onBinary`), with bounded resources (README,
 * broker configuration): frames up to the role's limit; a bounded queue that pauses the socket
 * (InboundQueue); messages parsed and handled one at a time in the dispatcher's fair, metered
 * turns (FairDispatcher); a ping every `heartbeatMs`; a slow reader terminated once
 * `maxBufferedBytes` wait for it (sendJson); after three malformed frames, terminated with
 * nothing more parsed. Frames are never logged, only their type and the outcome.
 */
export function serveJsonSocket<S extends z.ZodType>(socket: WebSocket, opts: JsonSocketOptions<S>): { finished: Promise<void> } {
  const { limits, dispatcher } = opts.sockets;
  const metered = opts.metered ?? (() => true);
  setMaxFrameBytes(socket, maxFrameBytes[opts.role]);
  // An enrolled host's burst of tiny chunk frames (a 64 KiB read holds ~600) is its stream, not a flood.
  const inbox = new InboundQueue(socket, limits.maxQueuedMessages, maxFrameBytes[opts.role], () => (metered() ? 16 : 512));
  /** One message at a time: `queued` waits for its dispatcher turn, `handling` runs onMessage. */
  let state: 'idle' | 'queued' | 'handling' = 'idle';
  /** Terminated for abuse: nothing more is parsed. */
  let dead = false;
  let closed = false;
  let closeHandled = false;
  let strikes = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const terminate = (reason: string) => {
    if (dead) return;
    dead = true;
    inbox.clear();
    opts.log.info({ reason }, 'socket terminated');
    socket.terminate();
  };
  slowConsumerBound.set(socket, { maxBytes: limits.maxBufferedBytes[opts.role], terminate });
  const stopHeartbeat = startHeartbeat(socket, limits.heartbeatMs, () => terminate('no pong within the heartbeat interval'));

  const fail = (e: unknown) => {
    const failure = toFailure(e);
    if (failure.status >= 500) opts.log.error({ err: e }, 'socket message failed');
    opts.sendError(failure.error);
  };
  /** onClose once the socket is closed and no message is being handled (none left, for a host). */
  const finishIfClosed = () => {
    if (!closed || closeHandled || state === 'handling' || inbox.length > 0) return;
    closeHandled = true;
    void Promise.resolve().then(() => opts.onClose()).catch(fail).finally(finish);
  };
  const pump = () => {
    if (state !== 'idle') return;
    if (inbox.length === 0) return finishIfClosed();
    state = 'queued';
    dispatcher.submit(opts.fairnessKey(), handleNext, inbox.nextBytes + MESSAGE_COST_BYTES, metered());
  };
  const done = () => {
    state = 'idle';
    pump();
  };

  const strike = (message = 'frame does not match the protocol') => {
    strikes++;
    opts.log.info({ strikes }, 'malformed frame');
    opts.sendError({ code: 'protocol.malformed_message', message });
    if (strikes >= MAX_STRIKES) {
      socket.close(CloseCodes.policy, 'too many malformed frames');
      terminate('too many malformed frames');
    }
  };

  /**
   * A run of chunk frames in one dispatcher turn: an enrolled host's queued chunk frames, up to
   * BINARY_RUN, each handled in order with only microtasks between them (a turn per frame cost
   * the relay a macrotask per chunk). Still one turn's share per host, so other peers' turns come
   * round as before; an unenrolled peer gets one frame per turn.
   */
  const binaryRun = async (onBinary: (bytes: Uint8Array) => Promise<void>, first: InboundFrame) => {
    let frame: InboundFrame | undefined = first;
    for (let n = 1; frame; n++) {
      try {
        await onBinary(binaryBytes(frame.data));
      } catch (e) {
        if (isCocoonError(e) && e.code === 'protocol.malformed_message') strike(e.message);
        else fail(e);
      }
      frame = !dead && n < BINARY_RUN && !metered() && inbox.nextIsBinary ? inbox.shift() : undefined;
    }
  };

  const handleNext = () => {
    const frame = inbox.shift();
    if (!frame) return done();
    if (frame.isBinary && opts.onBinary) {
      state = 'handling';
      void binaryRun(opts.onBinary, frame).finally(done);
      return;
    }
    const parsed = frame.isBinary ? undefined : parseFrame(opts.schema, String(frame.data));
    if (!parsed?.success) {
      strike();
      return done();
    }
    state = 'handling';
    new Promise<void>((resolve) => resolve(opts.onMessage(parsed.data))).catch(fail).finally(done);
  };

  socket.on('message', (data, isBinary) => {
    // After the broker closed or terminated the socket, nothing more is parsed.
    if (dead || socket.readyState !== socket.OPEN) return;
    if (!inbox.push(data, isBinary)) return terminate('too many frames queued');
    pump();
  });
  socket.on('error', (err: Error & { code?: string }) => {
    opts.log.info({ err: err.message }, 'socket error');
    // A frame too large or not WebSocket: ws would wait out a close handshake. A network error
    // closes the socket by itself, and a host's messages received before it are still handled.
    if (err.code?.startsWith('WS_ERR_')) terminate('protocol error');
  });
  socket.on('close', () => {
    closed = true;
    stopHeartbeat();
    // What a host sent before closing (a job's end) is still handled; a client's closing already
    // cancels its jobs, so what it left unhandled is dropped rather than waiting for its budget.
    if (metered()) inbox.clear();
    finishIfClosed();
  });
  return { finished };
}

/** A text frame through JSON and the protocol's schema: the one parse step of every socket. */
export function parseFrame<S extends z.ZodType>(schema: S, text: string): { success: true; data: z.output<S> } | { success: false } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { success: false };
  }
  const r = schema.safeParse(json);
  return r.success ? { success: true, data: r.data } : { success: false };
}

/** A binary frame's bytes as one array: ws hands a Buffer (a view, not copied), or fragments. */
function binaryBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/**
 * Sends a JSON frame if the socket is still open; a closed peer simply misses it. A peer that
 * leaves more than its role's `maxBufferedBytes` unread is terminated: the broker never holds
 * more than that (plus one frame) for a reader that does not keep up, whatever a host streams to it.
 * Backpressure (server/ws/backpressure.ts) pauses the streams well before; this bound is the last
 * resort, for hosts that keep sending when told to pause.
 */
export function sendJson(socket: WebSocket, msg: unknown): void {
  sendFrame(socket, JSON.stringify(msg));
}

/**
 * `sendJson` for a binary frame, sent as the bytes given (a relayed chunk frame is never copied or
 * re-encoded). The frames sent to one socket in one turn of the event loop (hosts' runs of chunks
 * for a client's several streams) leave in one write: the socket is corked at the first and
 * uncorked by setImmediate, once the turn's socket reads are handled: a system call for the lot
 * instead of one each (`npm run load`: the saturated relay from x0.51 to x0.84 of a bare `ws` relay).
 */
export function sendBinary(socket: WebSocket, bytes: Uint8Array): void {
  const raw = (socket as unknown as { _socket?: Socket })._socket;
  // At most CORK_BYTES held back: what would pass it goes first, and a frame that large goes at
  // once, so the slow-consumer bound (sendFrame) counts hardly anything the reader could have taken.
  if (raw && corked.has(raw) && raw.writableLength + bytes.length > CORK_BYTES) {
    corked.delete(raw);
    raw.uncork();
  }
  if (raw && bytes.length < CORK_BYTES && !corked.has(raw) && socket.readyState === socket.OPEN) {
    raw.cork();
    if (corked.size === 0) setImmediate(uncorkAll);
    corked.add(raw);
  }
  sendFrame(socket, bytes);
}

/** A quarter of the smallest slow-consumer bound (WS_CLIENT_MAX_BUFFERED_BYTES ≥ 64 KiB); a few hundred sealed deltas. */
const CORK_BYTES = 16 * 1024;
const corked = new Set<Socket>();
function uncorkAll(): void {
  for (const raw of corked) raw.uncork();
  corked.clear();
}

function sendFrame(socket: WebSocket, data: string | Uint8Array): void {
  if (socket.readyState !== socket.OPEN) return;
  socket.send(data, { binary: typeof data !== 'string' });
  const bound = slowConsumerBound.get(socket);
  if (bound && socket.bufferedAmount > bound.maxBytes) bound.terminate('slow consumer: too much unread');
}
