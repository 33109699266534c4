import type { IncomingMessage, ServerResponse } from 'node:http';
import { toB64u, utf8 } from '@cocoon/shared/protocol/encoding';
import type { SignedReceipt } from '@cocoon/shared/protocol/receipt';
import type { Settled } from '../jobs/attempt';
import { runCompletion, type CompletionDeps } from '../jobs/completion';
import { toOpenAiFailure } from '../openai/errors';
import { parseCompletionRequest } from '../openai/request';
import { ChunkWriter, completionId, CompletionCollector, type CompletionIdentity } from '../openai/responses';
import { readJson, sendError, sendJson } from './http-io';

/** base64url of the signed receipt's JSON, as `x-cocoon-receipt` and the stream's last comment carry it. */
export const encodeReceipt = (r: SignedReceipt): string => toB64u(utf8(JSON.stringify(r)));

const servedBy = (jobId: string, s: { hostId: string; tee: string }) => ({ 'x-request-id': jobId, 'x-cocoon-host': s.hostId, 'x-cocoon-tee': s.tee });

/**
 * `POST /v1/chat/completions`. Nothing is answered before the first token (or the end): until
 * then a failure is a plain HTTP error with OpenAI's status, and another host can be tried
 * unseen. Every answer names the host that served it (`x-cocoon-host`), its request id (the job
 * id, `x-request-id`, for `cocoon-proxy verify`) and carries the enclave-signed receipt: the
 * `x-cocoon-receipt` header, or for a stream a last SSE comment `: cocoon-receipt <base64url>`
 * before `[DONE]`. A client that disconnects mid-stream cancels the job.
 */
export async function handleChatCompletion(deps: CompletionDeps, credential: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const completion = parseCompletionRequest(await readJson(req));
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const created = Math.floor(Date.now() / 1000);
  const ident = (jobId: string): CompletionIdentity => ({ id: completionId(jobId), created, model: completion.model });

  if (!completion.stream) {
    const collector = new CompletionCollector();
    const settled = await runCompletion(deps, credential, completion, { onStart: () => {}, onPiece: (p) => collector.add(p) }, abort.signal);
    const body = collector.completion(ident(settled.jobId), settled.receipt.receipt);
    return sendJson(res, 200, body, { ...servedBy(settled.jobId, { hostId: settled.host.hostId, tee: settled.host.tee }), 'x-cocoon-receipt': encodeReceipt(settled.receipt) });
  }

  let writer: ChunkWriter | undefined;
  const write = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
  const begin = (jobId: string, s: { hostId: string; tee: string }) => {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', ...servedBy(jobId, s) });
    res.flushHeaders();
    writer = new ChunkWriter(ident(jobId), completion.includeUsage);
    write(writer.role());
  };
  let settled: Settled;
  try {
    settled = await runCompletion(deps, credential, completion, {
      onStart: ({ jobId, host }) => begin(jobId, { hostId: host.hostId, tee: host.tee }),
      onPiece: (p) => write(writer!.piece(p)),
    }, abort.signal);
  } catch (e) {
    if (!res.headersSent) return sendError(res, e);
    // Mid-stream, as OpenAI and vLLM do it: an error event, then the end.
    if (!abort.signal.aborted) write(toOpenAiFailure(e).body);
    res.end('data: [DONE]\n\n');
    throw e;
  }
  if (abort.signal.aborted) return; // cancelled: settled and logged, nobody to tell
  if (!writer) begin(settled.jobId, { hostId: settled.host.hostId, tee: settled.host.tee }); // an empty answer
  write(writer!.finish(settled.receipt.receipt));
  if (completion.includeUsage) write(writer!.usage(settled.receipt.receipt));
  res.write(`: cocoon-receipt ${encodeReceipt(settled.receipt)}\n\n`);
  res.end('data: [DONE]\n\n');
}
