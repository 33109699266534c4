import { randomBytes } from 'node:crypto';
import net from 'node:net';

/** A server frame as it came off the wire. */
export interface RawFrame {
  opcode: number;
  payload: Buffer;
}

/**
 * A WebSocket peer written on a bare TCP socket, for what a well-behaved library will not do:
 * never answer pings or close frames, announce frames larger than it sends, write raw bytes.
 * `closed` resolves when the server drops the TCP connection.
 */
export class RawWsClient {
  readonly frames: RawFrame[] = [];
  readonly closed: Promise<number>;
  private buffer = Buffer.alloc(0);
  private readonly opened = Date.now();

  private constructor(readonly socket: net.Socket) {
    this.closed = new Promise((resolve) => socket.on('close', () => resolve(Date.now() - this.opened)));
    socket.on('error', () => undefined);
  }

  /** Connects and completes the upgrade handshake; `url` as `ws://127.0.0.1:PORT/api/ws`. */
  static async open(url: string): Promise<RawWsClient> {
    const u = new URL(url);
    const socket = net.connect(Number(u.port), u.hostname);
    const client = new RawWsClient(socket);
    await new Promise<void>((resolve, reject) => {
      let head = Buffer.alloc(0);
      const onData = (d: Buffer) => {
        head = Buffer.concat([head, d]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        const status = head.subarray(0, head.indexOf('\r\n')).toString();
        if (!/^HTTP\/1\.1 101 /.test(status)) return reject(new Error(`upgrade refused: ${status}`));
        socket.on('data', (more: Buffer) => client.read(more));
        client.read(head.subarray(end + 4));
        resolve();
      };
      socket.on('data', onData);
      socket.once('error', reject);
      socket.write(
        `GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    return client;
  }

  /** A masked text frame (clients must mask; a zero mask leaves the payload as is). */
  sendText(text: string): void {
    this.socket.write(frame(0x1, Buffer.from(text)));
  }

  /** Only the header of a text frame announcing `length` bytes, and no payload. */
  announce(length: number): void {
    this.socket.write(header(0x1, length));
  }

  /** The text frames received, parsed as JSON. */
  messages<T = { type: string; error?: { code: string } }>(): T[] {
    return this.frames.filter((f) => f.opcode === 0x1).map((f) => JSON.parse(f.payload.toString()) as T);
  }

  count(opcode: number): number {
    return this.frames.filter((f) => f.opcode === opcode).length;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private read(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      if (this.buffer.length < 2) return;
      let len = this.buffer[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.buffer.length < 4) return;
        len = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (this.buffer.length < 10) return;
        len = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + len) return;
      this.frames.push({ opcode: this.buffer[0]! & 0x0f, payload: this.buffer.subarray(offset, offset + len) });
      this.buffer = this.buffer.subarray(offset + len);
    }
  }
}

function header(opcode: number, length: number): Buffer {
  const mask = Buffer.alloc(4);
  if (length < 126) return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | length]), mask]);
  if (length < 65_536) {
    const h = Buffer.from([0x80 | opcode, 0x80 | 126, 0, 0]);
    h.writeUInt16BE(length, 2);
    return Buffer.concat([h, mask]);
  }
  const h = Buffer.alloc(10);
  h[0] = 0x80 | opcode;
  h[1] = 0x80 | 127;
  h.writeBigUInt64BE(BigInt(length), 2);
  return Buffer.concat([h, mask]);
}

const frame = (opcode: number, payload: Buffer): Buffer => Buffer.concat([header(opcode, payload.length), payload]);

/** Polls `cond` every 10 ms until it holds or `timeoutMs` passes. */
export async function until(cond: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
