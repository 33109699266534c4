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
}

/**
 * The host's WebSocket to the broker: reconnects with exponential backoff and jitter until closed.
 */
export function createBrokerLink(opts: BrokerLinkOptions) {
  const min = opts.minBackoffMs ?? 250;
  const max = opts.maxBackoffMs ?? 15_000;
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
    const socket = new WebSocket(opts.url, { maxPayload: 4 * 1024 * 1024 });
    ws = socket;
    socket.on('open', () => {
      attempt = 0;
      opts.logger.info({ url: opts.url }, 'connected to broker');
      connectedOnce?.();
    });
    socket.on('message', (data) => {
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
