import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import { BrokerSocket, type BrokerEvent } from './broker-socket';

/** A stand-in for the browser's WebSocket: the test plays the broker's side. */
class FakeWebSocket {
  static last: FakeWebSocket | undefined;
  static opened = 0;
  binaryType = 'blob';
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  closedWith: number | undefined;
  constructor(readonly url: string) {
    FakeWebSocket.last = this;
    FakeWebSocket.opened++;
  }
  send(data: string) {
    this.sent.push(data);
  }
  close(code?: number) {
    this.closedWith = code;
  }
}

const JOB = '0b7c8f9e-3c4d-4e5f-8a6b-1c2d3e4f5a6b';

async function connected() {
  vi.stubGlobal('WebSocket', FakeWebSocket);
  vi.stubGlobal('window', { addEventListener: () => {}, removeEventListener: () => {} });
  const socket = new BrokerSocket({ url: 'ws://broker/api/ws', getToken: async () => 'session-token-0123456789' });
  const events: BrokerEvent[] = [];
  socket.onMessage((m) => events.push(m));
  socket.start();
  await vi.waitFor(() => expect(FakeWebSocket.last).toBeDefined());
  const ws = FakeWebSocket.last!;
  ws.onopen!();
  ws.onmessage!({ data: JSON.stringify({ type: 'auth.ok' }) });
  return { socket, ws, events };
}

/** A window whose `online` / `offline` events the test fires. */
function fakeWindow() {
  const listeners = new Map<string, () => void>();
  vi.stubGlobal('window', { addEventListener: (type: string, fn: () => void) => listeners.set(type, fn), removeEventListener: (type: string) => listeners.delete(type) });
  return { fire: (type: 'online' | 'offline') => listeners.get(type)?.() };
}

const HEARTBEAT = { idleMs: 5_000, timeoutMs: 5_000 };

afterEach(() => {
  vi.useRealTimers();
  FakeWebSocket.last = undefined;
  FakeWebSocket.opened = 0;
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('BrokerSocket', () => {
  it('reads binary frames as sealed chunks, in line with the JSON messages', async () => {
    const { socket, ws, events } = await connected();
    expect(ws.binaryType).toBe('arraybuffer');
    expect(socket.status).toBe('ready');
    const data = new Uint8Array([1, 2, 3, 4, 5]);
    const frame = encodeChunkFrame({ jobId: JOB, seq: 7, final: false, pieces: 3, data });
    ws.onmessage!({ data: frame.buffer });
    ws.onmessage!({ data: JSON.stringify({ type: 'job.accepted', jobId: JOB, hold: '10' }) });
    expect(events.slice(1)).toEqual([
      { type: 'job.chunk', jobId: JOB, chunk: { seq: 7, final: false, data } },
      { type: 'job.accepted', jobId: JOB, hold: 10n },
    ]);
    socket.close();
  });

  it('ignores a malformed chunk frame with a warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { socket, ws, events } = await connected();
    const frame = encodeChunkFrame({ jobId: JOB, seq: 0, final: false, pieces: 1, data: new Uint8Array([9]) });
    frame[1] = 0x80; // a flag the format does not define
    ws.onmessage!({ data: frame.buffer });
    ws.onmessage!({ data: new ArrayBuffer(3) });
    expect(events.map((e) => e.type)).toEqual(['auth.ok']);
    expect(warn).toHaveBeenCalledTimes(2);
    socket.close();
  });

  describe('heartbeat and timeouts', () => {
    async function live(options: { connectTimeoutMs?: number } = {}) {
      vi.useFakeTimers();
      vi.stubGlobal('WebSocket', FakeWebSocket);
      const win = fakeWindow();
      const socket = new BrokerSocket({ url: 'ws://broker/api/ws', getToken: async () => 'session-token-0123456789', heartbeat: HEARTBEAT, ...options });
      const statuses: string[] = [];
      socket.onStatus(() => statuses.push(socket.status));
      socket.start();
      await vi.advanceTimersByTimeAsync(0);
      const ws = FakeWebSocket.last!;
      return { socket, ws, statuses, win };
    }
    const authenticate = (ws: FakeWebSocket) => {
      ws.onopen!();
      ws.onmessage!({ data: JSON.stringify({ type: 'auth.ok' }) });
    };
    const pings = (ws: FakeWebSocket) => ws.sent.filter((f) => f === JSON.stringify({ type: 'ping' })).length;

    it('pings a quiet connection, keeps it while the broker answers, and hands listeners no pong', async () => {
      const { socket, ws } = await live();
      const events: BrokerEvent[] = [];
      socket.onMessage((m) => events.push(m));
      authenticate(ws);
      for (let i = 1; i <= 3; i++) {
        await vi.advanceTimersByTimeAsync(5_000);
        expect(pings(ws)).toBe(i);
        ws.onmessage!({ data: JSON.stringify({ type: 'pong' }) });
      }
      await vi.advanceTimersByTimeAsync(4_999);
      expect(socket.status).toBe('ready');
      expect(events.map((e) => e.type)).toEqual(['auth.ok']);
      socket.close();
    });

    it('drops a connection that went silent within 10 s, without waiting for a close, and reconnects with backoff', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(1);
      const { socket, ws, statuses } = await live();
      authenticate(ws);
      await vi.advanceTimersByTimeAsync(9_999);
      expect(socket.status).toBe('ready');
      await vi.advanceTimersByTimeAsync(1);
      expect(socket.status).toBe('waiting');
      expect(ws.closedWith).toBe(4000);
      expect(ws.onclose).toBeNull();
      expect(socket.send({ type: 'job.cancel', jobId: JOB })).toBe(false);
      // The first retry after a connection that was up: backoffDelay(0), 500 ms at most.
      await vi.advanceTimersByTimeAsync(500);
      expect(FakeWebSocket.opened).toBe(2);
      authenticate(FakeWebSocket.last!);
      expect(statuses).toEqual(['connecting', 'ready', 'waiting', 'connecting', 'ready']);
      socket.close();
    });

    it('gives up on a connection that does not authenticate in time, and tries again', async () => {
      const { socket, ws } = await live({ connectTimeoutMs: 10_000 });
      ws.onopen!(); // open, but the broker never answers the auth
      await vi.advanceTimersByTimeAsync(9_999);
      expect(socket.status).toBe('connecting');
      await vi.advanceTimersByTimeAsync(1);
      expect(socket.status).toBe('waiting');
      expect(ws.closedWith).toBe(4000);
      await vi.advanceTimersByTimeAsync(500);
      expect(FakeWebSocket.opened).toBe(2);
      socket.close();
    });

    it('goes offline at once when the browser loses its network, and reconnects as soon as it is back', async () => {
      const { socket, ws, win } = await live();
      authenticate(ws);
      vi.stubGlobal('navigator', { onLine: false });
      win.fire('offline');
      expect(socket.status).toBe('offline');
      expect(ws.closedWith).toBe(4000);
      // No attempts while offline, however long.
      await vi.advanceTimersByTimeAsync(60_000);
      expect(FakeWebSocket.opened).toBe(1);
      expect(socket.status).toBe('offline');
      vi.stubGlobal('navigator', { onLine: true });
      win.fire('online');
      await vi.advanceTimersByTimeAsync(0);
      expect(FakeWebSocket.opened).toBe(2);
      expect(socket.status).toBe('connecting');
      socket.close();
    });
  });
});
