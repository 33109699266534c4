import WebSocket from 'ws';
import { decodeChunkFrame, type ChunkFrame } from '@cocoon/shared/protocol/chunk-frame';

/**
 * A binary frame as the test inbox holds it: the decoded chunk frame under a `job.chunk` type, so
 * tests await chunks like any message (`next('job.chunk')`). Only the inbox has this form; on the
 * wire a chunk is its binary frame.
 */
export interface ChunkMessage {
  type: 'job.chunk';
  jobId: string;
  chunk: ChunkFrame;
}

const chunkMessage = (data: Buffer): ChunkMessage => {
  const chunk = decodeChunkFrame(new Uint8Array(data));
  return { type: 'job.chunk', jobId: chunk.jobId, chunk };
};

/**
 * A test WebSocket peer: queues every frame it receives so tests can await them in order, and
 * records how the connection closed.
 */
export class TestSocket {
  private readonly inbox: unknown[] = [];
  private waiters: Array<() => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      this.inbox.push(isBinary ? chunkMessage(data as Buffer) : JSON.parse(String(data)));
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        resolve({ code, reason: String(reason) });
        this.wake();
      }),
    );
  }

  static async open(url: string): Promise<TestSocket> {
    const ws = new WebSocket(url, { maxPayload: 4 * 1024 * 1024 });
    const socket = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return socket;
  }

  /** A JSON message (a string is sent as it is); bytes go as one binary frame. */
  send(msg: unknown): void {
    if (msg instanceof Uint8Array) return this.ws.send(msg, { binary: true });
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** The next frame (optionally the next of a type), failing after `timeoutMs`. */
  async next<T = Record<string, unknown>>(type?: string, timeoutMs = 5_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex((m) => type === undefined || (m as { type?: string }).type === type);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as T;
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed while waiting for ${type ?? 'a frame'}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${type ?? 'a frame'}; inbox: ${JSON.stringify(this.inbox.map((m) => (m as { type?: string }).type))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Frames received and not yet taken. */
  pending(): unknown[] {
    return [...this.inbox];
  }

  close(): void {
    this.ws.close();
  }

  terminate(): void {
    this.ws.terminate();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }
}
