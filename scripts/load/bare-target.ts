import type WebSocket from 'ws';
import { encodeChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import { parseBareControl, type BareControl } from './bare-control';
import { startChild, type Child } from './child';
import { ChunkTemplate } from './chunk-template';
import { openSocket } from './socket';
import type { Stream } from './stream';
import type { LoadTarget, StreamEvents } from './target';

/**
 * The bare `ws` relay (bare-relay-main.ts) under the same load as the broker: the same number of
 * host and client sockets, the same chunk frames.
 */
export async function startBareTarget(opts: { hosts: number; clients: number; chunkBytes: number; events: StreamEvents }): Promise<LoadTarget> {
  const child: Child = await startChild('scripts/load/bare-relay-main.ts', {}, /bare relay listening on (\d+)/, 30_000);
  const base = `ws://127.0.0.1:${child.ready[1]}`;
  const streams = new Map<string, Stream>();
  const started = new Map<string, () => void>();
  const finished = new Map<string, () => void>();
  const template = new ChunkTemplate(opts.chunkBytes);
  const hosts: WebSocket[] = [];
  const clients: WebSocket[] = [];
  try {
    for (let i = 0; i < opts.hosts; i++) {
      const ws: WebSocket = await openSocket(`${base}/host/${i}`, (data, isBinary) => {
        const msg = isBinary ? undefined : parseBareControl(String(data));
        if (msg?.type === 'open') ws.send(JSON.stringify({ type: 'start', jobId: msg.jobId } satisfies BareControl));
      });
      hosts.push(ws);
    }
    for (let i = 0; i < opts.clients; i++) {
      clients.push(await openSocket(`${base}/client`, (data, isBinary) => {
        if (!isBinary) {
          const msg = parseBareControl(String(data));
          if (msg?.type === 'start') started.get(msg.jobId)?.();
          return;
        }
        const frame = template.read(data);
        const s = streams.get(frame.jobId);
        if (!s) return;
        if (!frame.intact) opts.events.failed(s, 'chunk altered by the relay');
        else if (frame.final) finished.get(s.jobId)?.();
        else opts.events.chunk(s, frame.seq);
      }));
    }
  } catch (e) {
    await child.kill();
    throw e;
  }
  // The bare relay has no backpressure protocol: a host sends when the driver says.
  return {
    name: 'bare ws relay',
    pids: [child.pid],
    open: (s) =>
      new Promise<void>((resolve) => {
        streams.set(s.jobId, s);
        started.set(s.jobId, () => (started.delete(s.jobId), resolve()));
        clients[s.clientIndex]!.send(JSON.stringify({ type: 'open', jobId: s.jobId, host: s.hostIndex } satisfies BareControl));
      }),
    sendChunk(s) {
      const seq = s.sent(performance.now());
      hosts[s.hostIndex]!.send(template.frame(s.jobId, seq));
    },
    finish: (s) =>
      new Promise<void>((resolve) => {
        finished.set(s.jobId, () => (finished.delete(s.jobId), streams.delete(s.jobId), template.forget(s.jobId), resolve()));
        hosts[s.hostIndex]!.send(encodeChunkFrame({ jobId: s.jobId, seq: s.nextSeq, final: true, pieces: 0, data: template.data }));
      }),
    async close() {
      for (const ws of [...hosts, ...clients]) ws.terminate();
      await child.kill();
    },
  };
}
