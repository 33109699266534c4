import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import { BrokerSocket, type BrokerEvent } from './broker-socket';

/** A stand-in for the browser's WebSocket: the test plays the broker's side. */
class FakeWebSocket {
  static last: FakeWebSocket | undefined;
  binaryType = 'blob';
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeWebSocket.last = this;
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {}
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

afterEach(() => {
  FakeWebSocket.last = undefined;
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
});
