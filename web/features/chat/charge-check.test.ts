import { describe, expect, it } from 'vitest';
import type { Receipt } from '@cocoon/shared/protocol/receipt';
import { checkCharge } from './charge-check';
import type { AssistantMessage } from './chat-state';

const receipt: Receipt = {
  version: 1,
  jobId: '3b241101-e2bb-4255-8caf-4136c566a962',
  hostId: 'host-1',
  model: 'demo',
  promptTokens: 10,
  completionTokens: 5,
  finishReason: 'stop',
  requestDigest: '00'.repeat(32),
  responseDigest: '11'.repeat(32),
};
// 10 * 1e9 + 5 * 2e9 = 2e10, * 1500 / 1e9 = 30_000 micro-credits.
const message = (over: Partial<AssistantMessage>): AssistantMessage => ({
  id: receipt.jobId,
  role: 'assistant',
  text: 'hi',
  status: 'done',
  model: 'demo',
  pricing: { price: { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n }, coefficientMilli: 1500n, maxCharge: 5_000_000n },
  stopRequested: false,
  finishReason: 'stop',
  streamReceipt: { receipt, signature: 'sig', valid: true },
  settled: { charged: 30_000n, receipt, signature: 'sig' },
  uncharged: false,
  error: null,
  ...over,
});

describe('checkCharge', () => {
  it('is pending until settled', () => {
    expect(checkCharge(message({ settled: null }))).toBeNull();
  });

  it('accepts a charge equal to the signed usage at the price and coefficient', () => {
    expect(checkCharge(message({}))).toMatchObject({ state: 'ok', charged: 30_000n });
  });

  it('flags an overcharge', () => {
    expect(checkCharge(message({ settled: { charged: 30_001n, receipt, signature: 'sig' } }))).toMatchObject({ state: 'mismatch', expected: 30_000n });
  });

  it('flags billing from a different receipt than the one streamed', () => {
    const inflated = { ...receipt, completionTokens: 50 };
    expect(checkCharge(message({ settled: { charged: 30_000n, receipt: inflated, signature: 'other' } }))?.state).toBe('mismatch');
  });

  it('flags a charge above the user\'s max price for the message, even one matching the receipt', () => {
    const capped = { ...message({}).pricing, maxCharge: 29_999n };
    expect(checkCharge(message({ pricing: capped }))).toMatchObject({ state: 'mismatch', charged: 30_000n });
    expect(checkCharge(message({ pricing: capped, streamReceipt: null }))).toMatchObject({ state: 'mismatch', expected: 29_999n });
  });

  it('says unverified without a valid receipt on the device', () => {
    expect(checkCharge(message({ streamReceipt: null }))?.state).toBe('unverified');
    expect(checkCharge(message({ streamReceipt: { receipt, signature: 'sig', valid: false } }))?.state).toBe('unverified');
  });
});
