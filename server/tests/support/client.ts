import { randomUUID } from 'node:crypto';
import { decodeClaims } from '@cocoon/shared/attestation/claims';
import { requestRecipient, sealRequest } from '@cocoon/shared/crypto/envelope';
import type { ResponseOpener } from '@cocoon/shared/crypto/response-stream';
import { fromB64u } from '@cocoon/shared/protocol/encoding';
import type { ChatRequest, JobMeta, SealedRequest } from '@cocoon/shared/protocol/jobs';
import type { FakeIdentity } from './fake-host';
import { TestSocket } from './ws-client';

/** A Mini App connection, authenticated. */
export async function openClient(wsUrl: string, token: string): Promise<TestSocket> {
  const socket = await TestSocket.open(`${wsUrl}/api/ws`);
  socket.send({ type: 'auth', token });
  const reply = await socket.next();
  if (reply.type !== 'auth.ok') throw new Error(`auth refused: ${JSON.stringify(reply)}`);
  return socket;
}

export interface SealedJob {
  meta: JobMeta;
  request: SealedRequest;
  opener: ResponseOpener;
}

/** A price cap no test job reaches unless it means to: a million credits. */
export const NO_CAP = 1_000_000_000_000n;

/** Seals a chat request to the host's attested key, as the Mini App's worker does. `maxCharge`: micro-credits. */
export async function sealJob(host: FakeIdentity, opts: { model?: string; maxTokens?: number; maxCharge?: bigint; prompt?: string; jobId?: string } = {}): Promise<SealedJob> {
  const { claims } = decodeClaims(host.bundle.claims);
  const meta: JobMeta = { jobId: opts.jobId ?? randomUUID(), hostId: claims.hostId, model: opts.model ?? claims.models[0]!.name, maxTokens: opts.maxTokens ?? 64, maxCharge: String(opts.maxCharge ?? NO_CAP) };
  const request: ChatRequest = { messages: [{ role: 'user', content: opts.prompt ?? 'Say hello' }] };
  const { sealed, opener } = await sealRequest({ recipient: requestRecipient(claims), meta, request });
  return { meta, request: sealed, opener };
}

export const ciphertextBytes = (job: SealedJob): number => fromB64u(job.request.ciphertext).length;
