import { costOf } from '@cocoon/shared/pricing';
import type { Receipt } from '@cocoon/shared/protocol/receipt';
import type { AssistantMessage } from './chat-state';

/**
 * Whether what the broker charged matches the enclave-signed receipt (ARCHITECTURE.md step 8):
 * - `ok`: the broker billed from the receipt this device verified, at the price the job was sent at;
 * - `mismatch`: the charge differs from costOf(price, receipt usage, coefficient), is above the
 *   user's max price for the message, or the broker billed from a different receipt than the one
 *   in the sealed stream;
 * - `unverified`: there is no valid enclave receipt on this device to check the charge against.
 */
export type ChargeCheck =
  | { state: 'ok'; charged: bigint; receipt: Receipt }
  | { state: 'mismatch'; charged: bigint; expected: bigint; receipt: Receipt }
  | { state: 'unverified'; charged: bigint; receipt: Receipt };

const sameReceipt = (a: { receipt: Receipt; signature: string }, b: { receipt: Receipt; signature: string }): boolean =>
  a.signature === b.signature &&
  a.receipt.jobId === b.receipt.jobId &&
  a.receipt.promptTokens === b.receipt.promptTokens &&
  a.receipt.completionTokens === b.receipt.completionTokens;

/** Null until the job is settled. */
export function checkCharge(m: AssistantMessage): ChargeCheck | null {
  const { settled, streamReceipt } = m;
  if (!settled) return null;
  const charged = settled.charged;
  const overCap = charged > m.pricing.maxCharge;
  if (!streamReceipt?.valid) {
    return overCap ? { state: 'mismatch', charged, expected: m.pricing.maxCharge, receipt: settled.receipt } : { state: 'unverified', charged, receipt: settled.receipt };
  }
  const receipt = streamReceipt.receipt;
  const expected = costOf(m.pricing.price, receipt, m.pricing.coefficientMilli);
  if (!sameReceipt(settled, streamReceipt) || charged !== expected || overCap) return { state: 'mismatch', charged, expected, receipt };
  return { state: 'ok', charged, receipt };
}
