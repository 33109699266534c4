import type { RawData, WebSocket } from 'ws';

export interface InboundFrame {
  data: RawData;
  isBinary: boolean;
  bytes: number;
}

/**
 * A socket's received frames waiting to be handled, bounded by backpressure: at `maxMessages`
 * frames (or two of the role's largest) the socket is paused, so the sender is held back by TCP
 * instead of buffered here; it is read again once half has drained. Pausing stops further reads,
 * but what one read already holds still arrives: only a burst of many tiny frames gets far past
 * the mark, and one `burstFactor` times past it means the peer is to be dropped.
 */
export class InboundQueue {
  private readonly frames: InboundFrame[] = [];
  private bytes = 0;

  constructor(
    private readonly socket: WebSocket,
    private readonly maxMessages: number,
    private readonly maxFrameBytes: number,
    /**
     * How far past `maxMessages` one burst may go. 16 for clients; hosts stream small sealed
     * chunks (shared/protocol/chunk-frame.ts), hundreds of which fit in one 64 KiB read.
     */
    private readonly burstFactor: () => number = () => 16,
  ) {}

  get length(): number {
    return this.frames.length;
  }

  /** The next frame's size, for its sender's budget. */
  get nextBytes(): number {
    return this.frames[0]?.bytes ?? 0;
  }

  /** Whether the next frame is binary (a chunk frame). */
  get nextIsBinary(): boolean {
    return this.frames[0]?.isBinary ?? false;
  }

  /** @returns false when the peer is too far ahead: the caller terminates it. */
  push(data: RawData, isBinary: boolean): boolean {
    const bytes = byteLength(data);
    this.frames.push({ data, isBinary, bytes });
    this.bytes += bytes;
    if (this.frames.length > this.burstFactor() * this.maxMessages) return false;
    if (!this.socket.isPaused && (this.frames.length >= this.maxMessages || this.bytes >= 2 * this.maxFrameBytes)) this.socket.pause();
    return true;
  }

  shift(): InboundFrame | undefined {
    const frame = this.frames.shift();
    if (!frame) return undefined;
    this.bytes -= frame.bytes;
    if (this.socket.isPaused && this.frames.length <= this.maxMessages / 2 && this.bytes <= this.maxFrameBytes) this.socket.resume();
    return frame;
  }

  clear(): void {
    this.frames.length = 0;
    this.bytes = 0;
  }
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}
