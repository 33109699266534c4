import type WebSocket from 'ws';
import { BrokerToClientSchema, type ClientToBroker } from '@cocoon/shared/protocol/ws-messages';
import type { JobMeta, SealedRequest } from '@cocoon/shared/protocol/jobs';
import { newSocket } from './socket';
import type { ChunkTemplate } from './chunk-template';
import type { Stream } from './stream';
import type { StreamEvents } from './target';

/** A job the client side waits on: its start while opening, its settlement while finishing. */
interface Waiter {
  resolve(): void;
  reject(e: Error): void;
}

const codeError = (code: string): Error => Object.assign(new Error(code), { code });

/**
 * One user's socket on `/api/ws` speaking the Mini App's protocol: `auth` with a session token,
 * many `job.create`s, chunk frames read by their header (the sealed bytes checked to be the ones
 * the host sent, since the broker relays them unchanged), `job.settled` or `error` at the end.
 */
export class SimClient {
  private readonly streams = new Map<string, Stream>();
  private readonly starts = new Map<string, Waiter>();
  private readonly ends = new Map<string, Waiter>();
  /** `error`s the broker sent that name no job, by code. */
  readonly strayErrors = new Map<string, number>();

  private constructor(
    private readonly ws: WebSocket,
    private readonly template: ChunkTemplate,
    private readonly events: StreamEvents,
  ) {}

  static async connect(wsBase: string, token: string, template: ChunkTemplate, events: StreamEvents): Promise<SimClient> {
    const ws = newSocket(`${wsBase}/api/ws`);
    const client = new SimClient(ws, template, events);
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('close', (code) => reject(new Error(`client socket closed before auth.ok (${code})`)));
      ws.on('message', (data: Buffer, isBinary) => {
        if (isBinary) return client.onFrame(data);
        const msg = BrokerToClientSchema.parse(JSON.parse(String(data)));
        if (msg.type === 'auth.ok') return resolve();
        if (msg.type === 'error' && msg.jobId === undefined) reject(codeError(msg.error.code));
        client.onMessage(msg);
      });
      ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', token } satisfies ClientToBroker)));
    });
    ws.on('close', () => {
      for (const s of client.streams.values()) client.fail(s, 'client socket closed');
    });
    return client;
  }

  /** Sends `job.create`; resolves when the host's `job.start` arrives. */
  create(s: Stream, meta: JobMeta, request: SealedRequest): Promise<void> {
    this.streams.set(s.jobId, s);
    return new Promise<void>((resolve, reject) => {
      this.starts.set(s.jobId, { resolve, reject });
      this.ws.send(JSON.stringify({ type: 'job.create', meta, request } satisfies ClientToBroker));
    });
  }

  /** Resolves at the stream's `job.settled`. */
  settled(s: Stream): Promise<void> {
    return new Promise<void>((resolve, reject) => this.ends.set(s.jobId, { resolve, reject }));
  }

  close(): void {
    this.ws.removeAllListeners('close');
    this.ws.terminate();
  }

  private onFrame(data: Buffer): void {
    const frame = this.template.read(data);
    const s = this.streams.get(frame.jobId);
    if (!s) return;
    if (!frame.intact) this.fail(s, 'chunk altered by the relay');
    else if (!frame.final) this.events.chunk(s, frame.seq);
  }

  private onMessage(msg: ReturnType<typeof BrokerToClientSchema.parse>): void {
    if (msg.type === 'job.start') {
      const w = this.starts.get(msg.jobId);
      this.starts.delete(msg.jobId);
      return w?.resolve();
    }
    if (msg.type === 'job.settled') {
      const w = this.ends.get(msg.jobId);
      this.ends.delete(msg.jobId);
      this.streams.delete(msg.jobId);
      return w?.resolve();
    }
    if (msg.type !== 'error') return;
    if (msg.jobId === undefined) return void this.strayErrors.set(msg.error.code, (this.strayErrors.get(msg.error.code) ?? 0) + 1);
    const s = this.streams.get(msg.jobId);
    if (s) this.fail(s, msg.error.code);
  }

  private fail(s: Stream, code: string): void {
    this.streams.delete(s.jobId);
    const w = this.starts.get(s.jobId) ?? this.ends.get(s.jobId);
    this.starts.delete(s.jobId);
    this.ends.delete(s.jobId);
    if (w) w.reject(codeError(code));
    else this.events.failed(s, code);
  }
}
