import WebSocket from 'ws';
import { BrokerToHostSchema, type BrokerToHost, type HostToBroker } from '@cocoon/shared/protocol/ws-messages';
import type { Logger } from './logger';

type Parsed = ReturnType<typeof BrokerToHostSchema.parse>;

export interface BrokerLinkOptions {
  /** The broker endpoints (ws(s)://…/api/host), tried in turn: each reconnection goes to the next. */
  urls: readonly string[];
  logger: Logger;
  /** Called for every valid message; `conn` answers on the same connection. */
  onMessage(msg: Parsed, conn: BrokerConnection, url: string): void | Promise<void>;
  /** Called when a connection drops, so in-flight work can be abandoned. */
  onDisconnect(): void;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * Ping interval (30 s unless told): a broker heard from neither (no pong, ping or frame) for a
   * whole interval is dropped and reconnected to.
   */
  heartbeatMs?: number;
  /** Uniform in [0, 1): the jitter source (tests pass a fixed one). */
  random?: () => number;
}

/** One connection to the broker: JSON messages, and sealed chunks as binary frames (shared/protocol/chunk-frame.ts). */
export interface BrokerConnection {
  send(m: HostToBroker): void;
  sendChunk(frame: Uint8Array): void;
}

/**
 * The wait before reconnection attempt `attempt` (0 first): exponential from `min`, capped at
 * `max`, scaled by a jitter in [0.5, 1) so that hosts dropped together do not return together.
 */
export const backoffDelay = (attempt: number, min: number, max: number, random: () => number): number =>
  Math.min(max, min * 2 ** Math.min(attempt, 30)) * (0.5 + random() / 2);

/**
 * The host's WebSocket to the broker: reconnects with exponential backoff and jitter until closed,
 * also when the broker stops answering (a dead peer behind a silent network never closes).
 */
export function createBrokerLink(opts: BrokerLinkOptions) {
  const min = opts.minBackoffMs ?? 250;
  const max = opts.maxBackoffMs ?? 15_000;
  const heartbeatMs = opts.heartbeatMs ?? 30_000;
  const random = opts.random ?? Math.random;
  if (opts.urls.length === 0) throw new RangeError('a broker link needs at least one URL');
  let next = 0;
  let ws: WebSocket | undefined;
  let closed = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  let connectedOnce: (() => void) | undefined;
  const firstConnect = new Promise<void>((resolve) => (connectedOnce = resolve));

  /** What is sent on a connection that has closed is dropped: its jobs are aborted (onDisconnect). */
  const connection = (socket: WebSocket): BrokerConnection => ({
    send: (m) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(m));
    },
    sendChunk: (frame) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(frame, { binary: true });
    },
  });

  function connect() {
    if (closed) return;
    const url = opts.urls[next++ % opts.urls.length]!;
    const socket = new WebSocket(url, { maxPayload: 4 * 1024 * 1024, handshakeTimeout: heartbeatMs });
    ws = socket;
    const conn = connection(socket);
    let heard = true;
    const hear = () => (heard = true);
    let beat: NodeJS.Timeout | undefined;
    socket.on('open', () => {
      opts.logger.info({ url }, 'connected to broker');
      connectedOnce?.();
      beat = setInterval(() => {
        if (!heard) {
          opts.logger.warn({ heartbeatMs }, 'broker silent for a heartbeat interval; reconnecting');
          return socket.terminate();
        }
        heard = false;
        socket.ping();
      }, heartbeatMs);
    });
    socket.on('pong', hear);
    socket.on('ping', hear);
    socket.on('message', (data, isBinary) => {
      heard = true;
      if (isBinary) return opts.logger.warn('broker sent a binary frame');
      let json: unknown;
      try {
        json = JSON.parse(data.toString());
      } catch {
        opts.logger.warn('broker sent a non-JSON frame');
        return;
      }
      const msg = BrokerToHostSchema.safeParse(json);
      if (!msg.success) return opts.logger.warn('broker sent a frame that does not match the protocol');
      void Promise.resolve(opts.onMessage(msg.data, conn, url)).catch((e: unknown) => opts.logger.error({ err: e }, 'message handler failed'));
    });
    socket.on('error', (err) => opts.logger.warn({ err: err.message }, 'broker connection error'));
    socket.on('close', () => {
      clearInterval(beat);
      opts.onDisconnect();
      if (closed) return;
      const delay = backoffDelay(attempt++, min, max, random);
      opts.logger.info({ url, delayMs: Math.round(delay), next: opts.urls[next % opts.urls.length] }, 'broker connection closed; reconnecting');
      timer = setTimeout(connect, delay);
    });
  }

  return {
    start(): Promise<void> {
      connect();
      return firstConnect;
    },
    /**
     * The broker accepted this host (welcome): the backoff starts again from its minimum. Not on
     * mere connection, or a broker that refuses every hello would be retried at the minimum pace.
     */
    accepted() {
      attempt = 0;
    },
    send(m: HostToBroker) {
      if (ws) connection(ws).send(m);
    },
    async close(): Promise<void> {
      closed = true;
      clearTimeout(timer);
      if (!ws || ws.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        ws!.once('close', () => resolve());
        ws!.close(1001, 'host shutting down');
      });
    },
  };
}

export type BrokerLink = ReturnType<typeof createBrokerLink>;
export type { BrokerToHost };
