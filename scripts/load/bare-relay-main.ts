import { WebSocketServer, type WebSocket } from 'ws';
import { chunkFrameJobId } from '@cocoon/shared/protocol/chunk-frame';
import { parseBareControl } from './bare-control';

/**
 * The baseline of `npm run load`: the least a WebSocket relay can do with the same traffic. Hosts
 * connect to `/host/<n>`, clients to `/client`; a client's `open` goes to host n, the host's
 * `start` back to that client, and every binary chunk frame to the client of its job id, unchanged.
 * No authentication, no accounting, no digest: what is left is `ws` and one map lookup per chunk.
 * Run as its own process, so its CPU and memory are measured as the broker's are.
 */
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 2 * 1024 * 1024 });
const hosts = new Map<number, WebSocket>();
const clientOf = new Map<string, WebSocket>();

wss.on('connection', (ws, req) => {
  const hostMatch = /^\/host\/(\d+)$/.exec(req.url ?? '');
  if (hostMatch) {
    hosts.set(Number(hostMatch[1]), ws);
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        const jobId = chunkFrameJobId(data);
        const client = jobId === undefined ? undefined : clientOf.get(jobId);
        client?.send(data, { binary: true });
        // The final flag (byte 1, bit 0) ends the stream.
        if (jobId !== undefined && (data[1]! & 1) === 1) clientOf.delete(jobId);
        return;
      }
      const msg = parseBareControl(String(data));
      if (msg?.type === 'start') clientOf.get(msg.jobId)?.send(String(data));
    });
    return;
  }
  ws.on('message', (data: Buffer, isBinary) => {
    const msg = isBinary ? undefined : parseBareControl(String(data));
    if (msg?.type !== 'open') return;
    clientOf.set(msg.jobId, ws);
    hosts.get(msg.host)?.send(String(data));
  });
});
wss.on('listening', () => {
  const address = wss.address();
  if (address !== null && typeof address === 'object') console.log(`bare relay listening on ${address.port}`);
});
process.once('SIGTERM', () => wss.close(() => process.exit(0)));
