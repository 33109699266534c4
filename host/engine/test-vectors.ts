import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Test support: the recorded engine responses in `shared/testing/vectors/engines/` (see its
 * SOURCES.md) and a real HTTP server that replays them.
 */
export const ENGINE_VECTORS_DIR = new URL('../../shared/testing/vectors/engines/', import.meta.url);

export const readEngineVector = (name: string): Promise<Buffer> => readFile(new URL(name, ENGINE_VECTORS_DIR));

/** A small deterministic PRNG (mulberry32), so a failing split can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts bytes into pieces of 1..maxPiece bytes, ignoring character and line boundaries. */
export function splitRandomly(bytes: Uint8Array, random: () => number, maxPiece = 7): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    const len = 1 + Math.floor(random() * maxPiece);
    pieces.push(bytes.subarray(at, at + len));
    at += len;
  }
  return pieces;
}

export type Replay = { status: number; contentType: string; pieces: Uint8Array[] };
export type ReplayServer = { url: string; requests: Array<{ method: string; path: string; body: string }>; close(): Promise<void> };

/** Serves `replay` to every request, writing each piece separately on a no-delay socket. */
export async function serveReplay(replay: Replay): Promise<ReplayServer> {
  const requests: ReplayServer['requests'] = [];
  const server = createServer((req, res) => {
    respond(req, res).catch((e: unknown) => res.destroy(e instanceof Error ? e : new Error(String(e))));
  });
  async function respond(req: IncomingMessage, res: ServerResponse) {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    requests.push({ method: req.method ?? '', path: req.url ?? '', body });
    res.socket?.setNoDelay(true);
    res.writeHead(replay.status, { 'content-type': replay.contentType });
    for (const piece of replay.pieces) {
      res.write(piece);
      await nextTurn();
    }
    res.end();
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
