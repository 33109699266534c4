import type { WireError } from '@cocoon/shared/errors';
import { decodeChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import type { SealedChunk } from '@cocoon/shared/protocol/jobs';
import { BrokerToClientSchema, type BrokerToClientParsed, type ClientToBroker } from '@cocoon/shared/protocol/ws-messages';
import { backoffDelay } from './backoff';

export type SocketStatus = 'connecting' | 'ready' | 'waiting' | 'closed';

export interface BrokerSocketOptions {
  url: string;
  /** A session token; `fresh` asks for a new one after the broker refused the last. */
  getToken: (fresh: boolean) => Promise<string>;
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
 */
export class BrokerSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private freshToken = false;
  /** Bumped by every start/close, so a connect still awaiting its token can tell it is stale. */
  private generation = 0;
  private current: SocketStatus = 'closed';
  private readonly messageListeners = new Set<(m: BrokerEvent) => void>();
  private readonly statusListeners = new Set<() => void>();
  private readonly reconnectNow = () => {
    if (this.current === 'waiting') this.retry(0);
  };

  constructor(private readonly options: BrokerSocketOptions) {}

  get status(): SocketStatus {
    return this.current;
  }

  start(): void {
    if (this.current !== 'closed') return;
    this.generation++;
    window.addEventListener('online', this.reconnectNow);
    void this.connect();
  }

  close(): void {
    this.generation++;
    window.removeEventListener('online', this.reconnectNow);
    clearTimeout(this.timer);
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
    const generation = this.generation;
    this.setStatus('connecting');
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

  private receive(data: unknown): void {
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
    if (message.type === 'auth.ok') {
      this.attempt = 0;
      this.freshToken = false;
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
    this.setStatus('waiting');
    this.timer = setTimeout(() => void this.connect(), delay);
  }
}
