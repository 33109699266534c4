import WebSocket from 'ws';
import { BrokerToHostSchema, type BrokerToHost, type HostToBroker } from '@cocoon/shared/protocol/ws-messages';
import type { Logger } from './logger';

type Parsed = ReturnType<typeof BrokerToHostSchema.parse>;

export interface BrokerLinkOptions {
  url: string;
  logger: Logger;
  /** Called for every valid message; `send` answers on the same connection. */
  onMessage(msg: Parsed, send: (m: HostToBroker) => void): void | Promise<void>;
  /** Called when a connection drops, so in-flight work can be abandoned. */
  onDisconnect(): void;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * Ping interval (30 s unless told): a broker heard from neither (no pong, ping or frame) for a
   * whole interval is dropped and reconnected to.
   */
  heartbeatMs?: number;
}

/**
 * The host's WebSocket to the broker: reconnects with exponential backoff and jitter until closed,
 * also when the broker stops answering (a dead peer behind a silent network never closes).
 */
export function createBrokerLink(opts: BrokerLinkOptions) {
  const min = opts.minBackoffMs ?? 250;
  const max = opts.maxBackoffMs ?? 15_000;
  const heartbeatMs = opts.heartbeatMs ?? 30_000;
  let ws: WebSocket | undefined;
  let closed = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  let connectedOnce: (() => void) | undefined;
  const firstConnect = new Promise<void>((resolve) => (connectedOnce = resolve));

  const send = (socket: WebSocket) => (m: HostToBroker) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(m));
  };

  function connect() {
    if (closed) return;
    const socket = new WebSocket(opts.url, { maxPayload: 4 * 1024 * 1024, handshakeTimeout: heartbeatMs });
    ws = socket;
    let heard = true;
    const hear = () => (heard = true);
    let beat: NodeJS.Timeout | undefined;
    socket.on('open', () => {
      attempt = 0;
      opts.logger.info({ url: opts.url }, 'connected to broker');
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
    socket.on('message', (data) => {
      heard = true;
      let json: unknown;
      try {
        json = JSON.parse(data.toString());
      } catch {
        opts.logger.warn('broker sent a non-JSON frame');
        return;
      }
      const msg = BrokerToHostSchema.safeParse(json);
      if (!msg.success) return opts.logger.warn('broker sent a frame that does not match the protocol');
      void Promise.resolve(opts.onMessage(msg.data, send(socket))).catch((e: unknown) => opts.logger.error({ err: e }, 'message handler failed'));
    });
    socket.on('error', (err) => opts.logger.warn({ err: err.message }, 'broker connection error'));
    socket.on('close', () => {
      clearInterval(beat);
      opts.onDisconnect();
      if (closed) return;
      const delay = Math.min(max, min * 2 ** attempt++) * (0.5 + Math.random() / 2);
      opts.logger.info({ delayMs: Math.round(delay) }, 'broker connection closed; reconnecting');
      timer = setTimeout(connect, delay);
    });
  }

  return {
    start(): Promise<void> {
      connect();
      return firstConnect;
    },
    send(m: HostToBroker) {
      if (ws) send(ws)(m);
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
