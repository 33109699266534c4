import { CocoonError } from '@cocoon/shared/errors';
import { promptTokenBound } from '@cocoon/shared/pricing';
import { fromB64u } from '@cocoon/shared/protocol/encoding';
import type { SignedReceipt } from '@cocoon/shared/protocol/receipt';
import { verifyReceipt } from '@cocoon/shared/receipt';
import type { LiveJob } from './live-job';

/**
 * A receipt is billed only when the attested key signed it and it describes exactly this job as
 * the broker relayed it: same ids and model, the digests of what crossed the broker, and token
 * counts within what the request and `maxTokens` allow (and, when cancelled, what was streamed).
 * @throws CocoonError('receipt.signature_invalid' | 'receipt.mismatch')
 */
export async function checkReceipt(job: LiveJob, signed: SignedReceipt): Promise<void> {
  const key = fromB64u(job.host.claims.signingPublicKey);
  if (!(await verifyReceipt(signed, key))) throw new CocoonError('receipt.signature_invalid', 'receipt signature does not verify with the attested key');
  const r = signed.receipt;
  const mismatched = [
    r.jobId !== job.meta.jobId && 'jobId',
    r.hostId !== job.meta.hostId && 'hostId',
    r.model !== job.meta.model && 'model',
    r.requestDigest !== job.requestDigest && 'requestDigest',
    r.responseDigest !== job.response.hex() && 'responseDigest',
    r.completionTokens > job.meta.maxTokens && 'completionTokens',
    r.promptTokens > promptTokenBound(job.requestBytes) && 'promptTokens',
    // A cancelled job bills only what reached the client: at most one token per relayed engine
    // delta (a chunk frame carries `pieces` of them, coalesced by the host).
    r.finishReason === 'cancelled' && r.completionTokens > job.answerPieces && 'completionTokens',
  ].filter((f): f is string => typeof f === 'string');
  if (mismatched.length > 0) throw new CocoonError('receipt.mismatch', `receipt does not match the job: ${mismatched.join(', ')}`);
}
