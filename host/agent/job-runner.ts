import { openRequest } from '@cocoon/shared/crypto/envelope';
import type { ResponseSealer } from '@cocoon/shared/crypto/response-stream';
import { CocoonError, toWireError } from '@cocoon/shared/errors';
import type { JobMeta, SealedChunk, SealedRequest } from '@cocoon/shared/protocol/jobs';
import type { FinishReason } from '@cocoon/shared/protocol/receipt';
import type { HostToBroker } from '@cocoon/shared/protocol/ws-messages';
import { requestDigest, ResponseDigest, signReceipt } from '@cocoon/shared/receipt';
import type { EngineClient } from '../engine/engine-client';
import type { EnclaveIdentity } from './enclave-identity';

export type Send = (msg: HostToBroker) => void;

/**
 * Runs one job inside the enclave boundary: open the sealed request, stream the engine's answer
 * back sealed chunk by chunk, end with a signed receipt whose token counts are the engine's.
 * Plaintext exists only in this function's locals; nothing of it is logged.
 */
export async function runJob(params: {
  meta: JobMeta;
  request: SealedRequest;
  identity: EnclaveIdentity;
  engine: EngineClient;
  send: Send;
  signal: AbortSignal;
}): Promise<void> {
  const { meta, identity, send, signal } = params;
  const jobId = meta.jobId;
  let sealer: ResponseSealer;
  let messages;
  try {
    const opened = await openRequest({ keys: identity.requestKeys, meta, sealed: params.request });
    sealer = opened.sealer;
    messages = opened.request;
  } catch (e) {
    send({ type: 'job.error', jobId, error: toWireError(e) });
    return;
  }
  send({ type: 'job.start', jobId, responseNonce: sealer.responseNonce });
  const digest = new ResponseDigest();
  const emit = async (chunk: SealedChunk) => {
    if (!chunk.final) await digest.update(chunk);
    send({ type: 'job.chunk', jobId, chunk });
  };
  let finishReason: FinishReason = 'stop';
  let usage = { promptTokens: 0, completionTokens: 0 };
  let streamed = 0;
  try {
    const stream = params.engine.streamChat(
      { model: meta.model, messages: messages.messages, max_tokens: meta.maxTokens, temperature: messages.temperature, top_p: messages.topP, seed: messages.seed },
      signal,
    );
    for await (const ev of stream) {
      if (ev.type === 'delta') {
        streamed++;
        await emit(await sealer.seal({ type: 'delta', text: ev.content }, false));
      } else if (ev.type === 'finish') finishReason = ev.reason === 'length' ? 'length' : 'stop';
      else usage = { promptTokens: ev.promptTokens, completionTokens: ev.completionTokens };
    }
  } catch (e) {
    if (!signal.aborted) {
      const error = e instanceof CocoonError ? e.toWire() : toWireError(new CocoonError('engine.stream_failed', 'engine failed', { cause: e }));
      await emit(await sealer.seal({ type: 'error', code: error.code, message: error.message }, true));
      send({ type: 'job.error', jobId, error });
      return;
    }
    // Cancelled: the engine reports no usage for an aborted stream, so the host bills only the
    // completion deltas it streamed (one token each for llama.cpp and vLLM) and no prompt tokens.
    finishReason = 'cancelled';
    usage = { promptTokens: 0, completionTokens: Math.min(streamed, meta.maxTokens) };
  }
  const receipt = await signReceipt(
    {
      version: 1,
      jobId,
      hostId: identity.claims().hostId,
      model: meta.model,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      finishReason,
      requestDigest: await requestDigest(params.request),
      responseDigest: digest.hex(),
    },
    identity.signing.privateKey,
  );
  await emit(await sealer.seal({ type: 'end', receipt }, true));
  send({ type: 'job.end', jobId, receipt });
}
