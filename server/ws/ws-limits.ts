import type { ServerConfig } from '../config';
import type { InboundBudget } from './fair-dispatcher';
import { MAX_CLIENT_FRAME_BYTES, MAX_HOST_FRAME_BYTES } from './frame-limits';

/** Which side of the protocol a socket's peer is: it sets the frame limit and the outbound bound. */
export type SocketRole = 'client' | 'host';

export const maxFrameBytes: Record<SocketRole, number> = { client: MAX_CLIENT_FRAME_BYTES, host: MAX_HOST_FRAME_BYTES };

/** The WebSocket limits of one broker (README, broker configuration). */
export interface WsLimits {
  /** Ping interval; a peer that has not answered the previous ping is terminated. */
  heartbeatMs: number;
  /** Messages waiting to be handled before the broker stops reading the socket. */
  maxQueuedMessages: number;
  /** Bytes a peer may leave unread (`bufferedAmount`) before it is terminated as a slow consumer. */
  maxBufferedBytes: Record<SocketRole, number>;
  /** What each user (before authentication: each address) may have parsed per second, all sockets. */
  inbound: InboundBudget;
}

type WsConfig = Pick<ServerConfig, 'WS_HEARTBEAT_MS' | 'WS_MAX_QUEUED_MESSAGES' | 'WS_CLIENT_MAX_BUFFERED_BYTES' | 'WS_HOST_MAX_BUFFERED_BYTES' | 'WS_INBOUND_BYTES_PER_S' | 'WS_INBOUND_BURST_BYTES'>;

export const wsLimits = (c: WsConfig): WsLimits => ({
  heartbeatMs: c.WS_HEARTBEAT_MS,
  maxQueuedMessages: c.WS_MAX_QUEUED_MESSAGES,
  maxBufferedBytes: { client: c.WS_CLIENT_MAX_BUFFERED_BYTES, host: c.WS_HOST_MAX_BUFFERED_BYTES },
  inbound: { bytesPerS: c.WS_INBOUND_BYTES_PER_S, burstBytes: c.WS_INBOUND_BURST_BYTES },
});
