import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { HostsResponseSchema } from '@cocoon/shared/protocol/api';
import { MAX_TOKENS_LIMIT, type SealedRequest } from '@cocoon/shared/protocol/jobs';
import { toB64u } from '@cocoon/shared/protocol/encoding';
import { RequestSuites } from '@cocoon/shared/protocol/request-suite';
import { requestDigest } from '@cocoon/shared/receipt';
import type { Brokers } from './brokers';
import { ChunkTemplate } from './chunk-template';
import { SimClient } from './sim-client';
import { createSimIdentity, DigestChain, LOAD_MODEL, SimHost } from './sim-host';
import type { Stream } from './stream';
import type { LoadTarget, StreamEvents } from './target';

/** Every job's cap, far above its hold (the users hold STARTER_CREDITS of the load env). */
const MAX_CHARGE = '1000000000000';

/**
 * The real broker as a load target: `hosts` simulated hosts on the first broker, `users`
 * simulated users on the last (the same one when there is one). The sealed request is random
 * bytes of a real request's size: the broker only hashes and measures it, and the host that
 * would open it is ours.
 */
export async function startBrokerTarget(o: { name: string; brokers: Brokers; hosts: number; users: number; streamsPerHost: number; chunkBytes: number; events: StreamEvents }): Promise<LoadTarget> {
  const template = new ChunkTemplate(o.chunkBytes);
  const chain = new DigestChain(template.data);
  const request: SealedRequest = { suite: RequestSuites.x25519, enc: toB64u(randomBytes(32)), ciphertext: toB64u(randomBytes(1040)) };
  const digest = await requestDigest(request);
  const streams = new Map<string, Stream>();
  const strayErrors = new Map<string, number>();
  const hostWs = o.brokers.urls[0]!.replace(/^http/, 'ws');
  const clientWs = o.brokers.urls[o.brokers.urls.length - 1]!.replace(/^http/, 'ws');

  const [identities, tokens, sessions] = await Promise.all([
    Promise.all(Array.from({ length: o.hosts }, () => createSimIdentity())),
    o.brokers.enrollTokens(o.hosts),
    o.brokers.sessions(o.users),
  ]);
  const hosts: SimHost[] = [];
  const clients: SimClient[] = [];
  const closeSockets = () => [...hosts, ...clients].forEach((x) => x.close());
  try {
    for (const [i, id] of identities.entries()) {
      hosts.push(await SimHost.connect(hostWs, id, {
        enrollToken: tokens[i]!,
        maxConcurrentJobs: Math.min(4096, o.streamsPerHost),
        template,
        chain,
        requestDigest: digest,
        events: {
          stream: (jobId) => streams.get(jobId),
          paused(s, paused) {
            s.paused = paused;
            if (!paused) o.events.resumed(s);
          },
          cancelled: (s) => o.events.failed(s, 'job.cancel from the broker'),
          error: (code) => strayErrors.set(code, (strayErrors.get(code) ?? 0) + 1),
        },
      }));
    }
    for (const token of sessions) clients.push(await SimClient.connect(clientWs, token, template, o.events));
    if (o.brokers.urls.length > 1) await waitUntilListed(o.brokers.urls[o.brokers.urls.length - 1]!, sessions[0]!, identities.map((i) => i.hostId));
  } catch (e) {
    closeSockets();
    throw e;
  }
  return {
    name: o.name,
    pids: o.brokers.children.map((c) => c.pid),
    open(s) {
      streams.set(s.jobId, s);
      const host = hosts[s.hostIndex]!;
      const meta = { jobId: s.jobId, hostId: host.id.hostId, model: LOAD_MODEL, maxTokens: MAX_TOKENS_LIMIT, maxCharge: MAX_CHARGE };
      return clients[s.clientIndex]!.create(s, meta, request);
    },
    sendChunk(s) {
      hosts[s.hostIndex]!.sendChunk(s);
    },
    async finish(s) {
      const settled = clients[s.clientIndex]!.settled(s);
      // Awaited below; a rejection meanwhile (the job ended by the broker) must not count as unhandled.
      settled.catch(() => undefined);
      await hosts[s.hostIndex]!.finish(s, MAX_TOKENS_LIMIT);
      await settled;
      streams.delete(s.jobId);
    },
    close: async () => {
      closeSockets();
      for (const [code, n] of strayErrors) console.warn(`  ${o.name}, host side: ${code} x${n}`);
      for (const c of clients) for (const [code, n] of c.strayErrors) console.warn(`  ${o.name}, client side: error ${code} x${n}`);
    },
  };
}

/** Waits until the clients' broker lists every host (connected to another broker) for the model, as a client would ask. */
async function waitUntilListed(url: string, token: string, hostIds: string[], timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let seen = 0;
  while (performance.now() < deadline) {
    const res = await fetch(`${url}/api/hosts?model=${encodeURIComponent(LOAD_MODEL)}`, { headers: { authorization: `Bearer ${token}` } });
    if (res.ok) {
      const listed = new Set(HostsResponseSchema.parse(await res.json()).hosts.map((h) => h.hostId));
      seen = hostIds.filter((id) => listed.has(id)).length;
      if (seen === hostIds.length) return;
    }
    await sleep(250);
  }
  throw new Error(`the clients' broker lists ${seen} of the ${hostIds.length} hosts connected to the other broker after ${timeoutMs / 1000} s`);
}
