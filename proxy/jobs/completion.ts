import { sealedRequestBytes } from '@cocoon/shared/crypto/padding';
import { CocoonError, type WireError } from '@cocoon/shared/errors';
import { isHostFailure, MAX_HOST_ATTEMPTS, shouldFailOver } from '@cocoon/shared/failover';
import { formatCredits, holdFor, maxTokensWithin, PROMPT_TEMPLATE_ALLOWANCE } from '@cocoon/shared/pricing';
import { ModelNameSchema } from '@cocoon/shared/protocol/attestation-bundle';
import { utf8 } from '@cocoon/shared/protocol/encoding';
import { MAX_TOKENS_LIMIT, type ChatRequest } from '@cocoon/shared/protocol/jobs';
import type { HostVerifier, VerifiedHost } from '../attestation/host-verifier';
import type { BrokerApi, BrokerHost, BrokerModel } from '../broker/broker-api';
import { fromWire, type BrokerSocket } from '../broker/broker-socket';
import type { Logger } from '../logger';
import { OpenAiError } from '../openai/errors';
import type { CompletionRequest } from '../openai/request';
import type { AnswerPiece } from '../openai/responses';
import type { ReceiptLog } from '../records/receipt-log';
import { runAttempt, type Settled } from './attempt';
import { rankHosts, type HostStats } from './host-choice';
import type { ModelCatalog } from './model-catalog';

export interface CompletionDeps {
  api: BrokerApi;
  catalog: ModelCatalog;
  socketFor(credential: string): BrokerSocket;
  verifier: HostVerifier;
  stats: HostStats;
  receipts: ReceiptLog;
  /** Micro-credits: the most one request may cost (`--max-price`), bound into each job as its `maxCharge`. */
  maxPrice: bigint;
  logger: Logger;
}

export interface CompletionCallbacks {
  /** The first answer piece is coming from this job on this host: headers can be sent. */
  onStart(start: { jobId: string; host: VerifiedHost }): void;
  onPiece(piece: AnswerPiece): void;
}

/**
 * Runs one chat completion on the broker's short list of hosts, best first (less any this proxy
 * has seen fail, ./host-choice.ts, and any above the price cap): verifies each before sealing to
 * it, and seals anew to the next, with a new job id, when one fails before its first token for a
 * reason that is the host's (shared/failover.ts; at most MAX_HOST_ATTEMPTS jobs). Resolves with the settled job once the broker settles it, also when `signal` cancelled
 * it mid-answer (the broker then charges the prompt and the tokens streamed). The verified receipt
 * is kept in the local log for `cocoon-proxy verify`.
 * @throws OpenAiError (404 unknown model, 402 over the price cap) or CocoonError (the broker's, the host's, the verifier's)
 */
export async function runCompletion(deps: CompletionDeps, credential: string, req: CompletionRequest, cb: CompletionCallbacks, signal: AbortSignal): Promise<Settled> {
  const model = await findModel(deps, credential, req.model);
  const hosts = rankHosts(await deps.api.hosts(credential, model.name), deps.stats);
  if (hosts.length === 0) throw new CocoonError('job.model_unavailable', `no host serves ${model.name} right now`);
  const bytes = sealedRequestBytes(req.request);
  const affordable = hosts.filter((h) => tokenBudget(deps, model, h, bytes, req.maxTokens) > 0);
  if (affordable.length === 0) throw overBudget(deps, model, hosts.reduce((a, b) => (b.priceCoefficientMilli < a.priceCoefficientMilli ? b : a)), bytes, req.maxTokens);

  let last: WireError | undefined;
  let tried = 0;
  for (const candidate of affordable) {
    if (tried >= MAX_HOST_ATTEMPTS || signal.aborted) break;
    let host: VerifiedHost;
    try {
      host = await deps.verifier.verify(credential, candidate.hostId, model.name);
    } catch (e) {
      // Verification failed (or the bundle could not be fetched): nothing is sealed to this host.
      if (!(e instanceof CocoonError) || e.code.startsWith('auth.')) throw e;
      deps.stats.failed(candidate.hostId);
      last = e.toWire();
      continue;
    }
    tried++;
    const maxTokens = fitToContext(tokenBudget(deps, model, candidate, bytes, req.maxTokens), host, model.name, req.request, req.maxTokens !== undefined);
    const meta = { jobId: crypto.randomUUID(), hostId: host.hostId, model: model.name, maxTokens, maxCharge: deps.maxPrice.toString() };
    let started = false;
    const outcome = await runAttempt({
      socket: deps.socketFor(credential),
      host,
      meta,
      request: req.request,
      price: model.price,
      priceCoefficientMilli: candidate.priceCoefficientMilli,
      signal,
      onPiece: (piece) => {
        if (!started) cb.onStart({ jobId: meta.jobId, host });
        started = true;
        cb.onPiece(piece);
      },
    });
    if (outcome.kind === 'settled') {
      deps.stats.succeeded(host.hostId);
      await record(deps, outcome.settled, model, candidate);
      return outcome.settled;
    }
    last = outcome.error;
    if (isHostFailure(last.code)) deps.stats.failed(host.hostId);
    if (last.code === 'envelope.open_failed') deps.verifier.forget(host.hostId); // it restarted with new keys
    if (!shouldFailOver({ code: last.code, answered: started, attempts: tried, cancelled: signal.aborted })) throw fromWire(last);
    deps.logger.info({ jobId: meta.jobId, hostId: host.hostId, code: last.code }, 'host failed before its first token; trying the next');
  }
  if (signal.aborted) throw new CocoonError('job.cancelled', 'the client went away');
  throw last ? fromWire(last) : new CocoonError('job.model_unavailable', `no host for ${model.name} could take the request`);
}

async function findModel(deps: CompletionDeps, credential: string, name: string): Promise<BrokerModel> {
  const model = ModelNameSchema.safeParse(name).success ? await deps.catalog.get(credential, name) : undefined;
  if (!model) throw new OpenAiError(404, 'invalid_request_error', 'model_not_found', `The model \`${name}\` does not exist or no host serves it (GET /v1/models lists them)`, 'model');
  return model;
}

/** The completion tokens a job may have on `host` within the price cap: the client's max_tokens if it fits, else 0; without one, as many as fit. */
function tokenBudget(deps: CompletionDeps, model: BrokerModel, host: BrokerHost, bytes: number, asked: number | undefined): number {
  const coefficient = BigInt(host.priceCoefficientMilli);
  if (asked !== undefined) return holdFor(model.price, bytes, asked, coefficient) <= deps.maxPrice ? asked : 0;
  return maxTokensWithin(model.price, bytes, deps.maxPrice, MAX_TOKENS_LIMIT, coefficient);
}

function overBudget(deps: CompletionDeps, model: BrokerModel, cheapest: BrokerHost, bytes: number, asked: number | undefined): OpenAiError {
  const worst = holdFor(model.price, bytes, asked ?? 1, BigInt(cheapest.priceCoefficientMilli));
  return new OpenAiError(402, 'insufficient_quota', 'over_budget',
    `over budget: this request can cost up to ${formatCredits(worst)} credits on the cheapest host (its prompt and ${asked ?? 1} completion tokens at the host's price), above this proxy's max price per request of ${formatCredits(deps.maxPrice)} credits (--max-price)`);
}

/**
 * Without a client max_tokens, the answer may run to the end of the model's context: what is left
 * after the prompt, counted at its most (a token per byte plus the template), at least a few tokens.
 */
function fitToContext(budget: number, host: VerifiedHost, model: string, request: ChatRequest, asked: boolean): number {
  const context = host.claims.models.find((m) => m.name === model)?.contextLength;
  if (asked || context === undefined) return budget;
  const promptBound = utf8(JSON.stringify(request)).length + PROMPT_TEMPLATE_ALLOWANCE;
  return Math.max(1, Math.min(budget, Math.max(16, context - promptBound)));
}

async function record(deps: CompletionDeps, s: Settled, model: BrokerModel, host: BrokerHost): Promise<void> {
  const r = s.receipt.receipt;
  const fields = { jobId: s.jobId, hostId: r.hostId, model: r.model, finishReason: r.finishReason, promptTokens: r.promptTokens, completionTokens: r.completionTokens, charged: String(s.charged), ttftMs: Math.round(s.ttftMs) };
  if (s.charged !== s.expectedCharge) deps.logger.warn({ ...fields, expected: String(s.expectedCharge) }, 'the broker charged other than the signed receipt comes to');
  else deps.logger.info(fields, 'answer settled');
  await deps.receipts
    .append({
      requestId: s.jobId, at: new Date().toISOString(), hostId: s.host.hostId, model: model.name, tee: s.host.tee, signingPublicKey: s.host.claims.signingPublicKey,
      receipt: s.receipt, charged: s.charged, price: model.price, priceCoefficientMilli: host.priceCoefficientMilli,
    })
    .catch((e: unknown) => deps.logger.error({ err: e, jobId: s.jobId }, 'could not write the receipt to the local log'));
}
