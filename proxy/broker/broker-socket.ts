import WebSocket from 'ws';
import { CocoonError, toWireError, WireErrorSchema, type WireError } from '@cocoon/shared/errors';
import { chunkFrameJobId, decodeChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import type { JobMeta, SealedChunk, SealedRequest } from '@cocoon/shared/protocol/jobs';
import { BrokerToClientSchema, type BrokerToClientParsed, type ClientToBroker } from '@cocoon/shared/protocol/ws-messages';
import type { Logger } from '../logger';

/** How long connecting and authenticating may take. */
const CONNECT_TIMEOUT_MS = 15_000;

/** A sealed chunk, read from its binary frame (shared/protocol/chunk-frame.ts). */
export interface ChunkMessage {
  type: 'job.chunk';
  jobId: string;
  chunk: SealedChunk;
}

export type JobMessage = Exclude<BrokerToClientParsed, { type: 'auth.ok' | 'pong' }> | ChunkMessage;
export type JobListener = (msg: JobMessage) => void;

/**
 * One authenticated WebSocket to the broker (`/api/ws`) per credential, shared by every job
 * under it: `auth` once, then `job.create` / `job.cancel`, the broker's messages routed back by
 * job id. Opened when first needed and again after it closes; a close fails the jobs in flight
 * with `job.host_gone`. JSON frames are parsed by the shared schema; binary frames are sealed
 * chunks, read by their header alone (no JSON, no base64); all in order.
 */
export class BrokerSocket {
  private ws: WebSocket | undefined;
  private ready: Promise<WebSocket> | undefined;
  private readonly jobs = new Map<string, JobListener>();

  constructor(
    private readonly url: string,
    private readonly credential: string,
    private readonly logger: Logger,
  ) {}

  /** Sends `job.create` once authenticated; `listener` gets every message about the job until `release`. */
  async submit(meta: JobMeta, request: SealedRequest, listener: JobListener): Promise<void> {
    const ws = await this.connect();
    this.jobs.set(meta.jobId, listener);
    this.send(ws, { type: 'job.create', meta, request });
  }

  cancel(jobId: string): void {
    if (this.ws?.readyState === WebSocket.OPEN && this.jobs.has(jobId)) this.send(this.ws, { type: 'job.cancel', jobId });
  }

  release(jobId: string): void {
    this.jobs.delete(jobId);
  }

  get inFlight(): number {
    return this.jobs.size;
  }

  close(): void {
    this.ws?.close(1000, 'proxy closing');
  }

  private send(ws: WebSocket, msg: ClientToBroker): void {
    ws.send(JSON.stringify(msg));
  }

  private connect(): Promise<WebSocket> {
    this.ready ??= this.open().catch((e: unknown) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  private open(): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, { handshakeTimeout: CONNECT_TIMEOUT_MS, maxPayload: 4 * 1024 * 1024 });
      let authed = false;
      const timer = setTimeout(() => fail(new CocoonError('job.timeout', 'the broker did not answer the authentication in time')), CONNECT_TIMEOUT_MS);
      const fail = (e: CocoonError) => {
        clearTimeout(timer);
        reject(e);
        ws.terminate();
      };
      ws.on('open', () => this.send(ws, { type: 'auth', token: this.credential }));
      ws.on('error', (cause) => {
        if (!authed) fail(new CocoonError('job.host_gone', 'cannot connect to the broker', { cause }));
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary && authed) return this.routeChunk(toBytes(data));
        const msg = isBinary ? undefined : parseMessage(data.toString());
        if (!msg) return this.logger.warn('the broker sent a frame that is not a known message; ignored');
        if (!authed) {
          if (msg.type === 'auth.ok') {
            authed = true;
            clearTimeout(timer);
            this.ws = ws;
            return resolve(ws);
          }
          return fail(new CocoonError(msg.type === 'error' ? msg.error.code : 'protocol.malformed_message', msg.type === 'error' ? msg.error.message : 'expected auth.ok'));
        }
        this.route(msg);
      });
      ws.on('close', (code, reason) => {
        clearTimeout(timer);
        if (!authed) return reject(new CocoonError('job.host_gone', `the broker closed the connection (${code} ${reason.toString()})`));
        if (this.ws === ws) {
          this.ws = undefined;
          this.ready = undefined;
        }
        const error: WireError = { code: 'job.host_gone', message: 'the connection to the broker closed' };
        for (const [jobId, listener] of this.jobs) listener({ type: 'error', jobId, error });
        this.jobs.clear();
      });
    });
  }

  /** A malformed frame fails the job it names (its chunks can no longer be trusted to be in order); one naming none is ignored. */
  private routeChunk(bytes: Uint8Array): void {
    let msg: ChunkMessage;
    try {
      const { jobId, seq, final, data } = decodeChunkFrame(bytes);
      msg = { type: 'job.chunk', jobId, chunk: { seq, final, data } };
    } catch (e) {
      const jobId = chunkFrameJobId(bytes);
      const error = toWireError(e);
      this.logger.warn({ jobId, code: error.code }, 'the broker sent a malformed chunk frame');
      if (jobId && this.jobs.has(jobId)) {
        this.cancel(jobId);
        this.jobs.get(jobId)?.({ type: 'error', jobId, error });
      }
      return;
    }
    this.jobs.get(msg.jobId)?.(msg);
  }

  private route(msg: BrokerToClientParsed): void {
    // `pong` answers an app-level ping, which this Node client never sends (ws answers the broker's own pings).
    if (msg.type === 'auth.ok' || msg.type === 'pong') return;
    if (msg.type === 'error' && msg.jobId === undefined) {
      // Not about one job (a malformed frame, an expired session): every job in flight fails with it.
      this.logger.warn({ code: msg.error.code }, 'the broker reported an error');
      for (const [jobId, listener] of this.jobs) listener({ ...msg, jobId });
      return;
    }
    this.jobs.get(msg.jobId!)?.(msg);
  }
}

/** The bytes of a binary message, whatever shape `ws` delivered them in (a Buffer by default). */
function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

function parseMessage(text: string): BrokerToClientParsed | undefined {
  try {
    const parsed = BrokerToClientSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // not JSON: reported by the caller as an unknown frame
  }
}

/** A wire error as a CocoonError, for throwing; an unknown shape becomes `internal`. */
export function fromWire(error: unknown): CocoonError {
  const wire = WireErrorSchema.safeParse(error);
  const e = wire.success ? wire.data : toWireError(error);
  return new CocoonError(e.code, e.message, e.retryAfterS === undefined ? undefined : { retryAfterS: e.retryAfterS });
}
