import { openRequest } from '@cocoon/shared/crypto/envelope';
import type { ResponseSealer } from '@cocoon/shared/crypto/response-stream';
import { CocoonError, isCocoonError, toWireError } from '@cocoon/shared/errors';
import { formatCredits, holdFor, promptTokenBound, type Price, type Usage } from '@cocoon/shared/pricing';
import { fromB64u } from '@cocoon/shared/protocol/encoding';
import type { ChatRequest, JobMeta, SealedRequest } from '@cocoon/shared/protocol/jobs';
import { FinishReasons, type FinishReason } from '@cocoon/shared/protocol/receipt';
import type { HostToBroker } from '@cocoon/shared/protocol/ws-messages';
import { requestDigest, signReceipt } from '@cocoon/shared/receipt';
import type { EngineChatRequest, EngineClient } from '../engine/engine-client';
import { ChunkStream, type JobGate } from './chunk-stream';
import type { EnclaveIdentity } from './enclave-identity';
import type { Logger } from './logger';
import type { JobOutcome } from '../ops/metrics';

/** The job's way to the broker: JSON messages, and sealed chunks as binary frames (shared/protocol/chunk-frame.ts). */
export interface BrokerChannel {
  send(msg: HostToBroker): void;
  sendChunk(frame: Uint8Array): void;
}

/** How a job ended, for the agent's metrics; what the receipt billed when it has one. */
export interface JobResult {
  outcome: JobOutcome;
  promptTokens: number;
  completionTokens: number;
  errorCode?: string;
  /** From the job reaching the agent to its first streamed piece. */
  ttftMs?: number;
  /** The engine request, from sending it to its last event. */
  engineMs?: number;
}

/** How long a cancelled job waits for the engine to count its prompt. */
const TOKENIZE_TIMEOUT_MS = 10_000;

/**
 * Runs one job inside the enclave boundary: open the sealed request, refuse it if its AAD-bound
 * price cap is below this host's price for it, stream the engine's answer back in sealed chunks
 * (the first delta at once, the later ones coalesced: chunk-stream.ts), pausing while the broker
 * says the reader is behind, end with a signed receipt whose token counts are the engine's.
 * Plaintext exists only in this function's locals; nothing of it is logged.
 */
export async function runJob(params: {
  meta: JobMeta;
  request: SealedRequest;
  /** The model's base price, as the broker sent it with the job. */
  price: Price;
  /** This host's own price coefficient, in thousandths. */
  priceCoefficientMilli: number;
  identity: EnclaveIdentity;
  engine: EngineClient;
  channel: BrokerChannel;
  /** Backpressure from the broker (job.pause / job.resume). */
  gate: JobGate;
  signal: AbortSignal;
  logger: Logger;
}): Promise<JobResult> {
  const { meta, identity, signal, gate } = params;
  const send = (msg: HostToBroker) => params.channel.send(msg);
  const jobId = meta.jobId;
  const began = performance.now();
  const failed = (outcome: JobOutcome, errorCode: string, extra: Partial<JobResult> = {}): JobResult => ({ outcome, promptTokens: 0, completionTokens: 0, errorCode, ...extra });
  let sealer: ResponseSealer;
  let messages;
  try {
    const opened = await openRequest({ keys: identity.requestKeys, meta, sealed: params.request });
    sealer = opened.sealer;
    messages = opened.request;
  } catch (e) {
    const error = toWireError(e);
    send({ type: 'job.error', jobId, error });
    return failed('failed', error.code);
  }
  // Checked once the AAD has vouched for the metadata: the same worst case the broker holds.
  const ciphertextBytes = fromB64u(params.request.ciphertext).length;
  const worstCase = holdFor(params.price, ciphertextBytes, meta.maxTokens, BigInt(params.priceCoefficientMilli));
  if (worstCase > BigInt(meta.maxCharge)) {
    const message = `at this host's price the job can cost ${formatCredits(worstCase)} credits; it accepts at most ${formatCredits(BigInt(meta.maxCharge))}`;
    send({ type: 'job.error', jobId, error: new CocoonError('job.price_above_limit', message).toWire() });
    return failed('refused', 'job.price_above_limit');
  }
  // job.start tells the broker this host has the job, and a job sent before its hold has the hold
  // placed then (server/relay/in-process-relay.ts): it goes once the engine has taken the request
  // and is computing, so that where they share a machine the broker's work does not delay the
  // request on its way. Always before the first chunk, and before an error.
  let announced = false;
  const announce = () => {
    if (announced) return;
    announced = true;
  send({ type: 'job.start', jobId, responseNonce: sealer.responseNonce });
  };
  const out = new ChunkStream(jobId, sealer, (frame) => {
    announce();
    params.channel.sendChunk(frame);
  }, gate);
  let finishReason: FinishReason = 'stop';
  let usage: Usage | undefined;
  let ttftMs: number | undefined;
  const engineStart = performance.now();
  const firstPiece = () => (ttftMs ??= performance.now() - began);
  try {
    for await (const ev of params.engine.streamChat(engineRequest(meta, messages), signal, { onResponse: announce })) {
      if (ev.type === 'delta') {
        firstPiece();
        out.text(ev.content);
      } else if (ev.type === 'tool_call') {
        firstPiece();
        const { type: _type, ...piece } = ev;
        out.toolCall({ type: 'tool_call', ...piece });
      } else if (ev.type === 'finish') finishReason = finishReasonOf(ev.reason);
      else usage = { promptTokens: ev.promptTokens, completionTokens: ev.completionTokens };
      // Paused: the engine's stream is not read until the broker says resume (or the job ends).
      await gate.wait();
      if (signal.aborted) throw signal.reason;
    }
  } catch (e) {
    announce();
    if (!signal.aborted) {
      const error = e instanceof CocoonError ? e.toWire() : toWireError(new CocoonError('engine.stream_failed', 'engine failed', { cause: e }));
      await out.finish({ type: 'error', code: error.code, message: error.message });
      send({ type: 'job.error', jobId, error });
      return failed('failed', error.code, { ttftMs, engineMs: performance.now() - engineStart });
    }
    finishReason = 'cancelled';
    // What was gathered and not sent is dropped: the receipt bills the pieces the broker relayed.
    await out.drop();
    usage = await cancelledUsage({ ...params, messages: messages.messages, tools: messages.tools, engineUsage: usage, streamed: out.sentPieces, ciphertextBytes });
  }
  const engineMs = performance.now() - engineStart;
  // The answer's last pieces are sent before the receipt commits to the digest of all of them.
  await out.flush();
  usage ??= { promptTokens: 0, completionTokens: 0 };
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
      responseDigest: out.digest.hex(),
    },
    identity.signing.privateKey,
  );
  await out.finish({ type: 'end', receipt });
  send({ type: 'job.end', jobId, receipt });
  return { outcome: finishReason === 'cancelled' ? 'cancelled' : 'completed', ...usage, ttftMs, engineMs };
}

/** The engine request for a job: its messages, tools and sampling under OpenAI's names, its AAD-bound token limit. */
function engineRequest(meta: JobMeta, r: ChatRequest): EngineChatRequest {
  return {
    model: meta.model,
    messages: r.messages,
    max_tokens: meta.maxTokens,
    temperature: r.temperature,
    top_p: r.topP,
    seed: r.seed,
    stop: r.stop,
    presence_penalty: r.presencePenalty,
    frequency_penalty: r.frequencyPenalty,
    response_format: r.responseFormat,
    tools: r.tools,
    tool_choice: r.toolChoice,
    parallel_tool_calls: r.parallelToolCalls,
  };
}

/** The receipt's finish reason for the engine's: `length` and `tool_calls` kept, anything else a `stop`. */
const finishReasonOf = (reason: string): FinishReason =>
  reason === FinishReasons.length || reason === FinishReasons.toolCalls ? reason : FinishReasons.stop;

/**
 * What a cancelled job bills. Nothing before its first streamed token (the user got nothing); after
 * it, the whole prompt, which the engine processed, and the tokens streamed (one per engine delta
 * sent, as llama.cpp and vLLM stream a token per delta; a coalesced chunk counts its deltas). The prompt count is the engine's usage when it reported one before
 * the abort, else its `/tokenize` count of the same messages; an engine with neither bills none.
 */
async function cancelledUsage(p: {
  meta: JobMeta;
  engine: EngineClient;
  logger: Logger;
  messages: ChatRequest['messages'];
  tools: ChatRequest['tools'];
  engineUsage: Usage | undefined;
  streamed: number;
  ciphertextBytes: number;
}): Promise<Usage> {
  if (p.streamed === 0) return { promptTokens: 0, completionTokens: 0 };
  const completionTokens = Math.min(p.streamed, p.meta.maxTokens);
  let promptTokens = p.engineUsage?.promptTokens ?? null;
  if (promptTokens === null) {
    try {
      promptTokens = await p.engine.countPromptTokens({ model: p.meta.model, messages: p.messages, tools: p.tools }, AbortSignal.timeout(TOKENIZE_TIMEOUT_MS));
      if (promptTokens === null) p.logger.warn({ jobId: p.meta.jobId }, 'the engine has no /tokenize: a cancelled job bills no prompt tokens');
    } catch (e) {
      p.logger.warn({ jobId: p.meta.jobId, code: isCocoonError(e) ? e.code : 'internal' }, 'could not count the prompt of a cancelled job: it bills no prompt tokens');
    }
  }
  // Never more than the broker's bound for this request, or it would refuse the whole receipt.
  return { promptTokens: Math.min(promptTokens ?? 0, promptTokenBound(p.ciphertextBytes)), completionTokens };
}
