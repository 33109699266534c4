import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeClaims } from '@cocoon/shared/attestation/claims';
import { verifyBundle } from '@cocoon/shared/attestation/verify';
import { requestRecipient, sealRequest } from '@cocoon/shared/crypto/envelope';
import { toB64u } from '@cocoon/shared/protocol/encoding';
import { decodeChunkFrame, type ChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import type { JobMeta } from '@cocoon/shared/protocol/jobs';
import { HostToBrokerSchema, type BrokerToHost } from '@cocoon/shared/protocol/ws-messages';

/** The host's JSON messages, and its binary chunk frames decoded as `job.chunk`. */
export type HostMsg = ReturnType<typeof HostToBrokerSchema.parse> | { type: 'job.chunk'; jobId: string; chunk: ChunkFrame };
export type Hello = Extract<HostMsg, { type: 'host.hello' }>;

/** The network's base price the stand-in sends with each job (micro-credits per 1M tokens). */
export const PRICE = { promptPerMillion: '1000000000', completionPerMillion: '2000000000' };

/**
 * A stand-in broker on a real WebSocket server: challenges each connection, welcomes every hello
 * (or answers it with `refuseWith`), records what hosts send.
 */
export async function autoBroker(opts: { refuseWith?: { code: string; message: string }; refuse?: (hello: Hello) => { code: string; message: string } | undefined } = {}) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const received: HostMsg[] = [];
  const challenges: Uint8Array[] = [];
  let socket: WebSocket | undefined;
  let connections = 0;
  wss.on('connection', (ws) => {
    connections++;
    socket = ws;
    const challenge = crypto.getRandomValues(new Uint8Array(32));
    challenges.push(challenge);
    ws.on('message', (d, isBinary) => {
      if (isBinary) {
        const chunk = decodeChunkFrame(new Uint8Array(d as Buffer));
        received.push({ type: 'job.chunk', jobId: chunk.jobId, chunk });
        return;
      }
      const m = HostToBrokerSchema.parse(JSON.parse(String(d)));
      received.push(m);
      if (m.type !== 'host.hello') return;
      const refusal = opts.refuseWith ?? opts.refuse?.(m);
      if (refusal) {
        ws.send(JSON.stringify({ type: 'error', error: refusal }));
        ws.close(1008, refusal.code);
        return;
      }
      ws.send(JSON.stringify({ type: 'host.welcome', hostId: helloHostId(m) } satisfies BrokerToHost));
    });
    ws.send(JSON.stringify({ type: 'host.challenge', challenge: toB64u(challenge) } satisfies BrokerToHost));
  });
  const port = (wss.address() as AddressInfo).port;
  const all = <T extends HostMsg['type']>(type: T, jobId?: string) =>
    received.filter((m): m is Extract<HostMsg, { type: T }> => m.type === type && (jobId === undefined || ('jobId' in m && m.jobId === jobId)));
  return {
    port,
    /** The HTTP origin form an owner copies from the app. */
    origin: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/api/host`,
    received,
    challenges,
    connections: () => connections,
    all,
    first: <T extends HostMsg['type']>(type: T, jobId?: string) => all(type, jobId)[0],
    send: (m: BrokerToHost) => socket!.send(JSON.stringify(m)),
    /** Drops every host connection, as a broker restart does. */
    dropAll: () => wss.clients.forEach((c) => c.terminate()),
    /** A sealed job for the host of the last hello, as the broker forwards it. */
    async job(maxCharge = '1000000000000', maxTokens = 16) {
      const hello = all('host.hello').at(-1)!;
      const { claims } = await verifyBundle(hello.bundle, { policy: { allowSimulated: true } });
      const meta: JobMeta = { jobId: crypto.randomUUID(), hostId: claims!.hostId, model: claims!.models[0]!.name, maxTokens, maxCharge };
      const { sealed } = await sealRequest({ recipient: requestRecipient(claims!), meta, request: { messages: [{ role: 'user', content: 'hi' }] } });
      return { type: 'job.open' as const, meta, request: sealed, price: PRICE };
    },
    close: () => new Promise<void>((r) => (wss.clients.forEach((c) => c.terminate()), wss.close(() => r()))),
  };
}

/** The host id a hello claims: its bundle's claims carry it. */
const helloHostId = (hello: Hello): string => decodeClaims(hello.bundle.claims).claims.hostId;
