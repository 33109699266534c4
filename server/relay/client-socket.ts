import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/websocket';
import { CocoonError } from '@cocoon/shared/errors';
import type { ChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import { ClientToBrokerSchema, type BrokerToClient } from '@cocoon/shared/protocol/ws-messages';
import { authenticateToken } from '../auth/principal';
import { toFailure } from '../http/errors';
import type { Services } from '../services';
import { Backpressure, backpressureMarks } from '../ws/backpressure';
import { CloseCodes, sendBinary, sendJson, serveJsonSocket } from '../ws/json-socket';
import type { SocketSet } from '../ws/socket-set';
import type { ClientLink, JobAuthorization } from './relay';

/** A client must authenticate within this time after connecting. */
const AUTH_TIMEOUT_MS = 10_000;

/**
 * `GET /api/ws`: a Mini App or developer proxy connection. The first message is `auth` with a
 * session token or a developer's API key (server/auth/principal.ts); then `job.create` / `job.cancel`,
 * and `ping` (the app-level heartbeat, answered with `pong`).
 * The broker answers in JSON, and relays each sealed chunk as the host's binary frame
 * (shared/protocol/chunk-frame.ts), ciphertext it never opens. A client never sends binary frames.
 * A client that reads slower than its hosts stream has its jobs paused at the hosts (backpressure).
 */
export function registerClientSocket(app: FastifyInstance, services: () => Services, sockets: SocketSet): void {
  app.get('/api/ws', { websocket: true }, (socket, req) => {
    const s = services();
    const log = req.log.child({ ws: 'client' });
    const send = (m: BrokerToClient) => sendJson(socket, m);
    const reject = (e: unknown) => {
      send({ type: 'error', error: toFailure(e).error });
      socket.close(CloseCodes.policy, 'authentication failed');
    };
    const timer = setTimeout(() => reject(new CocoonError('auth.session_invalid', 'no auth in time')), AUTH_TIMEOUT_MS);
    let token: string | undefined;
    let sessionExpiresAt: Date | null = null;
    let link: ClientLink | undefined;
    const pressure = new Backpressure(socket, backpressureMarks(sockets.limits.maxBufferedBytes.client), (congested) => {
      if (link) s.relay.clientCongestion(link, congested);
    });
    const sendChunk = (frame: ChunkFrame) => {
      sendBinary(socket, frame.bytes);
      pressure.check();
    };

    const { finished } = serveJsonSocket(socket, {
      schema: ClientToBrokerSchema,
      role: 'client',
      sockets,
      // Before auth the address's turn; after, the user's, whatever number of sockets they open.
      fairnessKey: () => (link ? `user:${link.userId}` : `ip:${req.ip}`),
      log,
      sendError: (error) => send({ type: 'error', error }),
      onMessage: async (msg) => {
        if (!link) {
          if (msg.type !== 'auth') return reject(new CocoonError('auth.session_invalid', 'authenticate first'));
          clearTimeout(timer);
          const principal = await authenticateToken(s, msg.token).catch((e: unknown) => void reject(e));
          if (!principal) return;
          token = msg.token;
          sessionExpiresAt = principal.sessionExpiresAt;
          link = { userId: principal.user.id, apiKeyId: principal.apiKey?.id, send, sendChunk };
          return send({ type: 'auth.ok' });
        }
        if (msg.type === 'auth') throw new CocoonError('protocol.malformed_message', 'already authenticated');
        if (msg.type === 'ping') return send({ type: 'pong' });
        const jobId = msg.type === 'job.create' ? msg.meta.jobId : msg.jobId;
        try {
          if (msg.type === 'job.cancel') return s.relay.cancelJob(link, msg.jobId);
          s.limits.job(link.userId); // rate_limited, with retryAfterS, before anything is looked up or held
          // A session that expired while connected opens no new jobs: its expiry, in memory (a
          // session is never revoked: server/auth/sessions.ts). A key may be revoked at any time:
          // looked up again while the job opens (a job may reach its host meanwhile), awaited before its hold.
          let authorized: Promise<JobAuthorization> | undefined;
          if (sessionExpiresAt) {
            if (Date.now() >= sessionExpiresAt.getTime()) throw new CocoonError('auth.session_expired', 'session expired');
          } else {
            authorized = authenticateToken(s, token!);
            authorized.catch(() => {}); // observed by openJob, or moot if it refuses the job first
          }
          await s.relay.openJob(link, msg.meta, msg.request, authorized);
        } catch (e) {
          const failure = toFailure(e);
          if (failure.status >= 500) log.error({ err: e, jobId }, 'job request failed');
          send({ type: 'error', jobId, error: failure.error });
        }
      },
      onClose: () => {
        clearTimeout(timer);
        if (link) s.relay.clientGone(link);
      },
    });
    sockets.add(socket, finished);
    s.metrics.trackSocket('client', finished);
  });
}
