import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/websocket';
import type { WebSocket } from 'ws';
import { CocoonError, isCocoonError } from '@cocoon/shared/errors';
import type { AttestationBundle } from '@cocoon/shared/protocol/attestation-bundle';
import { priceToWire } from '@cocoon/shared/pricing';
import { decodeChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import { toB64u } from '@cocoon/shared/protocol/encoding';
import { HostToBrokerSchema, type BrokerToHost } from '@cocoon/shared/protocol/ws-messages';
import { HostStatuses } from '../db/schema';
import type { Services } from '../services';
import { CloseCodes, sendJson, serveJsonSocket } from '../ws/json-socket';
import type { SocketSet } from '../ws/socket-set';
import { verifyHostBundle, verifyHostIdentity, type VerifiedIdentity } from './enrollment';
import { admitHost, checkMayConnect, recordHostOffline, recordHostRefresh, recordHostStatus, type HostSighting } from './hosts-repo';
import type { OnlineHost } from './registry';

type Hello = Extract<ReturnType<typeof HostToBrokerSchema.parse>, { type: 'host.hello' }>;

/** A host must say hello within this time after the challenge. */
const HELLO_TIMEOUT_MS = 10_000;

/**
 * `GET /api/host`: a host agent's connection. The broker sends a fresh challenge; the host answers
 * with its attestation bundle, the challenge signed by the attested key and by its node key (whose
 * public key is its host id), and on its first connection the owner's one-time enrollment token.
 */
export function registerHostSocket(app: FastifyInstance, services: () => Services, sockets: SocketSet): void {
  app.get('/api/host', { websocket: true }, (socket, req) => {
    const s = services();
    const log = req.log.child({ ws: 'host' });
    const challenge = randomBytes(32);
    const send = (m: BrokerToHost) => sendJson(socket, m);
    const reject = (e: CocoonError) => {
      log.info({ code: e.code }, 'host rejected');
      send({ type: 'error', error: e.toWire() });
      socket.close(CloseCodes.policy, e.code);
    };
    const timer = setTimeout(() => reject(new CocoonError('auth.host_invalid', 'no hello in time')), HELLO_TIMEOUT_MS);
    let host: OnlineHost | undefined;

    const { finished } = serveJsonSocket(socket, {
      schema: HostToBrokerSchema,
      role: 'host',
      sockets,
      fairnessKey: () => (host ? `host:${host.hostId}` : `ip:${req.ip}`),
      // An enrolled host carries its users' answers: its turns are fair but not metered.
      metered: () => !host,
      log,
      sendError: (error) => send({ type: 'error', error }),
      // A sealed chunk: only its header is read; the frame goes to the client as it came.
      onBinary: async (bytes) => {
        if (!host) return reject(new CocoonError('auth.host_invalid', 'hello first'));
        return s.relay.hostChunk(host, decodeChunkFrame(bytes));
      },
      onMessage: async (msg) => {
        if (msg.type === 'job.start' || msg.type === 'job.end' || msg.type === 'job.error') {
          if (!host) return reject(new CocoonError('auth.host_invalid', 'hello first'));
          return s.relay.hostMessage(host, msg);
        }
        try {
          if (msg.type === 'host.hello') {
            if (host) throw new CocoonError('protocol.malformed_message', 'already enrolled');
            clearTimeout(timer);
            host = await welcome(s, socket, msg, challenge);
            log.info({ hostId: host.hostId, tee: host.bundle.tee }, 'host online');
          } else {
            if (!host) throw new CocoonError('auth.host_invalid', 'hello first');
            if (msg.type === 'host.drain') await drain(s, host);
            else await refresh(s, host, msg.bundle);
          }
        } catch (e) {
          // A host that fails enrollment or re-attestation is not trusted on this connection.
          if (isCocoonError(e)) return reject(e);
          throw e;
        }
      },
      onClose: async () => {
        clearTimeout(timer);
        if (!host) return;
        if (s.registry.remove(host)) await recordHostOffline(s.database.db, host.hostId);
        await s.relay.hostGone(host);
        log.info({ hostId: host.hostId }, 'host offline');
      },
    });
    sockets.add(socket, finished);
    s.metrics.trackSocket('host', finished);
    send({ type: 'host.challenge', challenge: toB64u(challenge) });
  });
}

const policyOf = (s: Services) => ({ attestation: s.attestationPolicy, collateral: s.collateral });

/** What the hosts table records of a verified bundle: the models it serves, with their base prices. */
function sightingOf(s: Services, id: VerifiedIdentity, maxConcurrentJobs: number): HostSighting {
  const models = [...new Set(id.claims.models.map((m) => m.name))].map((model) => ({ model, price: priceToWire(s.prices.priceOf(model)) }));
  return { hostId: id.claims.hostId, tee: id.tee, bundleDigest: id.bundleDigest, models, maxConcurrentJobs };
}

async function welcome(s: Services, socket: WebSocket, hello: Hello, challenge: Uint8Array): Promise<OnlineHost> {
  const id = await verifyHostIdentity(hello, challenge, policyOf(s), (hostId) => checkMayConnect(s.database.db, hostId, hello.enrollToken));
  const admitted = await admitHost(s.database.db, {
    ...sightingOf(s, id, hello.maxConcurrentJobs),
    priceCoefficientMilli: hello.priceCoefficientMilli,
    machine: hello.machine,
    enrollToken: hello.enrollToken,
  });
  const host: OnlineHost = {
    hostId: id.claims.hostId,
    claims: id.claims,
    bundle: id.bundle,
    bundleDigest: id.bundleDigest,
    priceCoefficientMilli: admitted.priceCoefficientMilli,
    link: { send: (m) => sendJson(socket, m), close: (code, reason) => socket.close(code, reason) },
    activeJobs: 0,
    maxConcurrentJobs: hello.maxConcurrentJobs,
    ownerId: admitted.ownerId,
    draining: false,
  };
  s.registry.add(host)?.link.close(CloseCodes.policy, 'replaced by a newer connection');
  host.link.send({ type: 'host.welcome', hostId: host.hostId });
  // Once enrolled, the coefficient is the owner's (set in the app), whatever the agent's config says.
  if (admitted.priceCoefficientMilli !== hello.priceCoefficientMilli) host.link.send({ type: 'host.settings', priceCoefficientMilli: admitted.priceCoefficientMilli });
  return host;
}

/** A fresh bundle (new expiry, models) for the same enclave: same host id and signing key. */
async function refresh(s: Services, host: OnlineHost, bundle: AttestationBundle): Promise<void> {
  const id = await verifyHostBundle(bundle, policyOf(s));
  if (id.claims.hostId !== host.hostId || id.claims.signingPublicKey !== host.claims.signingPublicKey) {
    throw new CocoonError('attestation.host_mismatch', 'a refresh must keep the host id and signing key');
  }
  Object.assign(host, { claims: id.claims, bundle: id.bundle, bundleDigest: id.bundleDigest });
  await recordHostRefresh(s.database.db, sightingOf(s, id, host.maxConcurrentJobs));
}

/** The agent is stopping: no new jobs from now; the running ones finish, then it leaves. */
async function drain(s: Services, host: OnlineHost): Promise<void> {
  host.draining = true;
  await recordHostStatus(s.database.db, host.hostId, HostStatuses.draining);
}
