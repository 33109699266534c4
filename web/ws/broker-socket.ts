import type { WireError } from '@cocoon/shared/errors';
import { decodeChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import type { SealedChunk } from '@cocoon/shared/protocol/jobs';
import { BrokerToClientSchema, type BrokerToClientParsed, type ClientToBroker } from '@cocoon/shared/protocol/ws-messages';
import { backoffDelay } from './backoff';
import { Heartbeat } from './heartbeat';

/**
 * `waiting`: dropped, reconnecting after a backoff delay; `offline`: the same while the browser
 * reports no network (it tries again as soon as the network is back).
 */
export type SocketStatus = 'connecting' | 'ready' | 'waiting' | 'offline' | 'closed';

/** From a connection attempt's start (its token included) to `auth.ok`: longer, and it is tried again. */
export const CONNECT_TIMEOUT_MS = 10_000;

export interface BrokerSocketOptions {
  url: string;
  /** A session token; `fresh` asks for a new one after the broker refused the last. */
  getToken: (fresh: boolean) => Promise<string>;
  /** Heartbeat timings (web/ws/heartbeat.ts) and the connect timeout; the defaults unless a test says. */
  heartbeat?: { idleMs: number; timeoutMs: number };
  connectTimeoutMs?: number;
}

/** A sealed chunk, from a binary frame (shared/protocol/chunk-frame.ts), in line with the JSON messages. */
export interface ChunkEvent {
  type: 'job.chunk';
  jobId: string;
  chunk: SealedChunk;
}

/** What the socket hands its listeners, in the order the frames arrived. */
export type BrokerEvent = BrokerToClientParsed | ChunkEvent;

const AUTH_FAILURES: readonly string[] = ['auth.session_invalid', 'auth.session_expired'];

/**
 * The client WebSocket to the broker (`/api/ws`, shared/protocol/ws-messages.ts): authenticates
 * first, parses every JSON frame with its schema, reads binary frames as sealed chunks (their
 * header only: no JSON, no base64 on the hot path), and reconnects with backoff until closed.
 * A connection that goes quiet and then fails the app-level heartbeat, or that takes too long to
 * authenticate, is dropped and replaced, so a silent network drop is noticed within seconds.
 */
export class BrokerSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private freshToken = false;
  /** Bumped by every start/close/drop, so a connect still awaiting its token can tell it is stale. */
  private generation = 0;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly heartbeat: Heartbeat;
  private current: SocketStatus = 'closed';
  private readonly messageListeners = new Set<(m: BrokerEvent) => void>();
  private readonly statusListeners = new Set<() => void>();
  /** Tries again now rather than after the backoff delay: the browser's `online` event, or the user's "Reconnect now". */
  readonly reconnect = (): void => {
    if (this.current === 'waiting' || this.current === 'offline') this.retry(0);
  };
  /** The browser lost its network: the connection cannot be alive, so say so now rather than at the heartbeat. */
  private readonly wentOffline = () => {
    if (this.current === 'ready' || this.current === 'connecting') this.drop();
    else if (this.current === 'waiting') this.setStatus('offline');
  };

  constructor(private readonly options: BrokerSocketOptions) {
    this.heartbeat = new Heartbeat({
      ...options.heartbeat,
      ping: () => this.ws?.send(JSON.stringify({ type: 'ping' } satisfies ClientToBroker)),
      onDead: () => this.drop(),
    });
  }

  get status(): SocketStatus {
    return this.current;
  }

  start(): void {
    if (this.current !== 'closed') return;
    this.generation++;
    window.addEventListener('online', this.reconnect);
    window.addEventListener('offline', this.wentOffline);
    this.setStatus('connecting');
    void this.connect();
  }

  close(): void {
    this.generation++;
    window.removeEventListener('online', this.reconnect);
    window.removeEventListener('offline', this.wentOffline);
    clearTimeout(this.timer);
    clearTimeout(this.connectTimer);
    this.heartbeat.stop();
    this.setStatus('closed');
    this.ws?.close(1000);
    this.ws = null;
  }

  /** Sends when authenticated; returns false (nothing sent) otherwise. */
  send(message: ClientToBroker): boolean {
    if (this.current !== 'ready' || !this.ws) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  onMessage(fn: (m: BrokerEvent) => void): () => void {
    this.messageListeners.add(fn);
    return () => this.messageListeners.delete(fn);
  }

  onStatus(fn: () => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  private setStatus(status: SocketStatus): void {
    if (this.current === status) return;
    this.current = status;
    this.statusListeners.forEach((fn) => fn());
  }

  private async connect(): Promise<void> {
    // No network: no attempt (it would only fail); the `online` event or the next backoff tries again.
    if (isOffline()) return this.retry();
    const generation = this.generation;
    this.setStatus('connecting');
    clearTimeout(this.connectTimer);
    this.connectTimer = setTimeout(() => this.drop(), this.options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
    let token: string;
    try {
      token = await this.options.getToken(this.freshToken);
    } catch {
      if (generation === this.generation) this.retry();
      return;
    }
    if (generation !== this.generation) return;
    const ws = new WebSocket(this.options.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token } satisfies ClientToBroker));
    ws.onmessage = (event) => this.receive(event.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      // Closed before auth.ok: the token may be what the broker refused, so ask for a new one.
      if (this.current !== 'ready') this.freshToken = true;
      this.ws = null;
      this.retry();
    };
  }

  /**
   * Gives up on the connection (silent, or never authenticated in time): it is detached at once,
   * without waiting for a close handshake that a dead network never completes, and replaced after a backoff.
   */
  private drop(): void {
    if (this.current === 'closed') return;
    this.generation++;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      ws.close(4000, 'no sign of life');
    }
    this.retry();
  }

  private receive(data: unknown): void {
    this.heartbeat.heard();
    if (data instanceof ArrayBuffer) return this.receiveChunk(data);
    let json: unknown;
    try {
      json = JSON.parse(String(data));
    } catch {
      return;
    }
    const parsed = BrokerToClientSchema.safeParse(json);
    if (!parsed.success) {
      console.warn('ignored a malformed broker frame');
      return;
    }
    const message = parsed.data;
    if (message.type === 'pong') return;
    if (message.type === 'auth.ok') {
      this.attempt = 0;
      this.freshToken = false;
      clearTimeout(this.connectTimer);
      this.heartbeat.start();
      this.setStatus('ready');
    } else if (message.type === 'error' && !message.jobId && this.isAuthFailure(message.error)) {
      this.freshToken = true;
      this.ws?.close(4001);
    }
    this.messageListeners.forEach((fn) => fn(message));
  }

  /** A frame that is not a well-formed chunk is dropped: its job then fails on its own (out of order, truncated). */
  private receiveChunk(data: ArrayBuffer): void {
    let event: ChunkEvent;
    try {
      const { jobId, seq, final, data: sealed } = decodeChunkFrame(new Uint8Array(data));
      event = { type: 'job.chunk', jobId, chunk: { seq, final, data: sealed } };
    } catch {
      console.warn('ignored a malformed chunk frame');
      return;
    }
    this.messageListeners.forEach((fn) => fn(event));
  }

  private isAuthFailure(error: WireError): boolean {
    return AUTH_FAILURES.includes(error.code);
  }

  private retry(delay = backoffDelay(this.attempt++)): void {
    if (this.current === 'closed') return;
    clearTimeout(this.timer);
    clearTimeout(this.connectTimer);
    this.heartbeat.stop();
    this.setStatus(isOffline() ? 'offline' : 'waiting');
    this.timer = setTimeout(() => void this.connect(), delay);
  }
}

/** The browser says there is no network (`navigator.onLine` is only ever wrong the other way). */
const isOffline = (): boolean => globalThis.navigator?.onLine === false;
