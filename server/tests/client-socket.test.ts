import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../db/schema';
import { openClient } from './support/client';
import { signIn, startTestServer, type TestServer } from './support/test-server';
import { TestSocket } from './support/ws-client';

type ErrorFrame = { type: 'error'; error: { code: string } };

describe('the client socket', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.close());

  const connect = () => TestSocket.open(`${t.wsUrl}/api/ws`);

  it('requires auth as the first message', async () => {
    const socket = await connect();
    socket.send({ type: 'job.cancel', jobId: randomUUID() });
    expect(await socket.next<ErrorFrame>()).toMatchObject({ type: 'error', error: { code: 'auth.session_invalid' } });
    expect((await socket.closed).code).toBe(1008);
  });

  it('rejects an unknown token', async () => {
    const socket = await connect();
    socket.send({ type: 'auth', token: 'u'.repeat(43) });
    expect(await socket.next<ErrorFrame>()).toMatchObject({ error: { code: 'auth.session_invalid' } });
    expect((await socket.closed).code).toBe(1008);
  });

  it('rejects an expired session', async () => {
    const { token } = await signIn(t.server);
    await t.server.services().database.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1) });
    const socket = await connect();
    socket.send({ type: 'auth', token });
    expect(await socket.next<ErrorFrame>()).toMatchObject({ error: { code: 'auth.session_expired' } });
  });

  it('answers malformed frames and closes after repeated ones', async () => {
    const { token } = await signIn(t.server);
    const socket = await openClient(t.wsUrl, token);
    const bad = ['{', JSON.stringify({ type: 'job.create', meta: { jobId: 'not-a-uuid' } }), JSON.stringify([1, 2])];
    for (const frame of bad) {
      socket.send(frame);
      expect(await socket.next<ErrorFrame>()).toMatchObject({ type: 'error', error: { code: 'protocol.malformed_message' } });
    }
    expect((await socket.closed).code).toBe(1008);
  });

  it('answers the app-level heartbeat: ping with pong, as often as asked', async () => {
    const { token } = await signIn(t.server);
    const socket = await openClient(t.wsUrl, token);
    for (let i = 0; i < 3; i++) {
      socket.send({ type: 'ping' });
      expect(await socket.next(undefined, 1_000)).toEqual({ type: 'pong' });
    }
    socket.close();
  });

  it('does not answer a ping before auth: the first message must be auth', async () => {
    const socket = await connect();
    socket.send({ type: 'ping' });
    expect(await socket.next<ErrorFrame>()).toMatchObject({ type: 'error', error: { code: 'auth.session_invalid' } });
    expect((await socket.closed).code).toBe(1008);
  });

  it('rejects cancelling a job that is not in flight', async () => {
    const { token } = await signIn(t.server);
    const socket = await openClient(t.wsUrl, token);
    const jobId = randomUUID();
    socket.send({ type: 'job.cancel', jobId });
    expect(await socket.next()).toMatchObject({ type: 'error', jobId, error: { code: 'job.not_found' } });
    socket.close();
  });
});
