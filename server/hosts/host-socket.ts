import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/websocket';
import type { WebSocket } from 'ws';
import { CocoonError, isCocoonError } from '@cocoon/shared/errors';
import type { AttestationBundle } from '@cocoon/shared/protocol/attestation-bundle';
import { toB64u } from '@cocoon/shared/protocol/encoding';
import { HostToBrokerSchema, type BrokerToHost } from '@cocoon/shared/protocol/ws-messages';
import type { Services } from '../services';
import { CloseCodes, sendJson, serveJsonSocket } from '../ws/json-socket';
import type { SocketSet } from '../ws/socket-set';
import { enrollHost, verifyHostBundle } from './enrollment';
import { recordHostOffline, recordHostOnline } from './hosts-repo';
import type { OnlineHost } from './registry';

type Hello = Extract<ReturnType<typeof HostToBrokerSchema.parse>, { type: 'host.hello' }>;

/** A host must say hello within this time after the challenge. */
const HELLO_TIMEOUT_MS = 10_000;

/**
 * `GET /api/host`: a host agent's connection. The broker sends a fresh challenge; the host answers
 * with its enrollment token, attestation bundle and the challenge signed by the attested key.
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
      onMessage: async (msg) => {
        if (msg.type === 'job.start' || msg.type === 'job.chunk' || msg.type === 'job.end' || msg.type === 'job.error') {
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
            await refresh(s, host, msg.bundle);
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
    send({ type: 'host.challenge', challenge: toB64u(challenge) });
  });
}

async function welcome(s: Services, socket: WebSocket, hello: Hello, challenge: Uint8Array): Promise<OnlineHost> {
  const policy = { enrollTokens: s.config.HOST_ENROLL_TOKENS, attestation: s.attestationPolicy, collateral: s.collateral };
  const id = await enrollHost(hello, challenge, policy);
  const host: OnlineHost = {
    hostId: id.claims.hostId,
    claims: id.claims,
    bundle: id.bundle,
    bundleDigest: id.bundleDigest,
    priceCoefficientMilli: hello.priceCoefficientMilli,
    link: { send: (m) => sendJson(socket, m), close: (code, reason) => socket.close(code, reason) },
    activeJobs: 0,
    maxConcurrentJobs: hello.maxConcurrentJobs,
  };
  await recordHostOnline(s.database.db, { hostId: host.hostId, priceCoefficientMilli: host.priceCoefficientMilli, tee: id.tee, bundleDigest: id.bundleDigest });
  s.registry.add(host)?.link.close(CloseCodes.policy, 'replaced by a newer connection');
  host.link.send({ type: 'host.welcome', hostId: host.hostId });
  return host;
}

/** A fresh bundle (new expiry, models) for the same enclave: same host id and signing key. */
async function refresh(s: Services, host: OnlineHost, bundle: AttestationBundle): Promise<void> {
  const policy = { enrollTokens: s.config.HOST_ENROLL_TOKENS, attestation: s.attestationPolicy, collateral: s.collateral };
  const id = await verifyHostBundle(bundle, policy);
  if (id.claims.hostId !== host.hostId || id.claims.signingPublicKey !== host.claims.signingPublicKey) {
    throw new CocoonError('attestation.host_mismatch', 'a refresh must keep the host id and signing key');
  }
  Object.assign(host, { claims: id.claims, bundle: id.bundle, bundleDigest: id.bundleDigest });
  await recordHostOnline(s.database.db, { hostId: host.hostId, priceCoefficientMilli: host.priceCoefficientMilli, tee: id.tee, bundleDigest: id.bundleDigest });
}
