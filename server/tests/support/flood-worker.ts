import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What the flooding user's sockets saw: frames sent, replies by type or error code, closes by code. */
export interface FloodStats {
  sent: number;
  opened: number;
  /** Connection attempts refused before the upgrade (HTTP status → count). */
  refused: Record<string, number>;
  replies: Record<string, number>;
  /** Closes while flooding (the broker's doing), by close code. */
  closes: Record<string, number>;
}

export interface FloodLane {
  /** Frames sent round-robin, as fast as the socket takes them. */
  frames: string[];
  /** Sockets running this lane at once; each reconnects when closed. */
  sockets: number;
}

// Plain JavaScript run in a worker thread, so the flood's own CPU is not the broker's event loop.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const WebSocket = require(workerData.wsPath);
const { url, token, lanes } = workerData;
const stats = { sent: 0, opened: 0, refused: {}, replies: {}, closes: {} };
const bump = (o, k) => (o[k] = (o[k] || 0) + 1);
const open = new Set();
let running = true;

function lane(frames) {
  if (!running) return;
  const ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024 });
  open.add(ws);
  let i = 0;
  ws.on('unexpected-response', (req, res) => {
    bump(stats.refused, String(res.statusCode));
    res.resume();
    ws.terminate();
  });
  ws.on('error', () => undefined);
  ws.on('open', () => {
    stats.opened++;
    ws.send(JSON.stringify({ type: 'auth', token }));
    const pump = () => {
      if (!running || ws.readyState !== WebSocket.OPEN) return;
      for (let n = 0; n < 64 && ws.readyState === WebSocket.OPEN && ws.bufferedAmount < 1 << 20; n++) {
        ws.send(frames[i++ % frames.length]);
        stats.sent++;
      }
      setTimeout(pump, 1);
    };
    pump();
  });
  ws.on('message', (d, isBinary) => {
    // A sealed chunk arrives as its binary frame (shared/protocol/chunk-frame.ts).
    if (isBinary) return bump(stats.replies, 'job.chunk');
    const m = JSON.parse(String(d));
    bump(stats.replies, m.type === 'error' ? m.error.code : m.type);
  });
  ws.on('close', (code) => {
    open.delete(ws);
    if (running) bump(stats.closes, String(code)); // the broker's closures, not stop()'s
    if (running) setTimeout(() => lane(frames), 50);
  });
}

for (const l of lanes) for (let n = 0; n < l.sockets; n++) lane(l.frames);
parentPort.on('message', () => {
  running = false;
  for (const ws of open) ws.terminate();
  parentPort.postMessage(stats);
});
`;

/**
 * One user flooding the broker from a worker thread: `lanes` of sockets, each authenticated with
 * `token` and sending its frames as fast as TCP takes them, reconnecting whenever closed.
 * `stop()` ends it and returns what the sockets saw.
 */
export function startFlood(url: string, token: string, lanes: FloodLane[]): { stop(): Promise<FloodStats> } {
  const wsPath = createRequire(import.meta.url).resolve('ws');
  const worker = new Worker(WORKER, { eval: true, workerData: { url, token, lanes, wsPath } });
  return {
    async stop() {
      const stats = new Promise<FloodStats>((resolve) => worker.once('message', resolve));
      worker.postMessage('stop');
      const result = await stats;
      await worker.terminate();
      return result;
    },
  };
}
