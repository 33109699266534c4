import fc from 'fast-check';
import type { z } from 'zod';
import { SignedPolicySchema } from '../../attestation/policy';
import { WireErrorSchema } from '../../errors';
import { PriceSchema } from '../../pricing';
import {
  AttestationPolicyResponseSchema,
  DevInitDataResponseSchema,
  ErrorResponseSchema,
  HostsQuerySchema,
  HostsResponseSchema,
  MeResponseSchema,
  ModelsResponseSchema,
  SessionRequestSchema,
  SessionResponseSchema,
} from '../../protocol/api';
import { ClaimsSchema, SimulatedQuoteSchema } from '../../protocol/attestation-bundle';
import { fromB64u, fromUtf8 } from '../../protocol/encoding';
import { NvidiaGpuEvidenceSchema } from '../../protocol/gpu-evidence';
import { ChatRequestSchema } from '../../protocol/chat-request';
import { ChunkPayloadSchema, JobMetaSchema, SealedRequestSchema } from '../../protocol/jobs';
import {
  CreditsResponseSchema,
  DevStarsPayRequestSchema,
  DevStarsPayResponseSchema,
  HistoryResponseSchema,
  StarsInvoiceRequestSchema,
  StarsInvoiceResponseSchema,
  TonConnectRequestSchema,
  TonProofPayloadResponseSchema,
  WalletResponseSchema,
} from '../../protocol/payments';
import { SignedReceiptSchema } from '../../protocol/receipt';
import { DevTonSendBocRequestSchema, DevTonSendBocResponseSchema, DevTonTestWalletResponseSchema } from '../../protocol/ton-dev';
import { fuzzTarget, neverThrows, type FuzzTarget } from './harness';
import { messageInputs, messageText, type MessageInput } from './messages';
import type { ProtocolSamples } from './protocol-samples';

/**
 * Test-only: every other schema of shared/protocol (the HTTP API, money, jobs, receipts, claims,
 * GPU evidence, the signed policy), each with a valid sample: `safeParse` must never throw.
 */
function schemaSamples(s: ProtocolSamples): [z.ZodType, unknown][] {
  const user = { id: '1', firstName: 'Ann', username: 'ann' };
  const price = { promptPerMillion: '1000', completionPerMillion: '2000' };
  const address = `0:${'a'.repeat(64)}`;
  return [
    [SessionRequestSchema, { initData: 'query_id=1&user=%7B%7D&auth_date=1&hash=' + 'a'.repeat(64) }],
    [SessionResponseSchema, { token: 't'.repeat(43), expiresAt: 1_700_000_000, user, balance: '100' }],
    [MeResponseSchema, { user, balance: '100', held: '0' }],
    [ModelsResponseSchema, { models: [{ name: 'demo/tiny', hostCount: 1, price }] }],
    [HostsQuerySchema, { model: 'demo/tiny' }],
    [HostsResponseSchema, { hosts: [{ hostId: s.claims.hostId, priceCoefficientMilli: 1000 }] }],
    [AttestationPolicyResponseSchema, { signedPolicy: null }],
    [SignedPolicySchema, { policy: { version: 2, sequence: 1 }, signerPublicKey: s.claims.signingPublicKey, signature: s.receipt.signature }],
    [ErrorResponseSchema, { error: { code: 'internal', message: 'internal error' } }],
    [DevInitDataResponseSchema, { initData: 'a=1' }],
    [PriceSchema, price],
    [WireErrorSchema, { code: 'job.timeout', message: 'slow' }],
    [CreditsResponseSchema, { balance: '1', held: '0', packs: [{ id: 'small', credits: '100', stars: 50, nanoton: '1000000000' }], ton: { serviceAddress: 'EQ', depositComment: 'c1', microCreditsPerTon: '1000', network: 'testnet' }, testPayments: true }],
    [HistoryResponseSchema, { items: [{ id: '1', kind: 'job', amount: '-5', createdAt: '2025-01-01T00:00:00Z', model: 'demo/tiny', promptTokens: 1, completionTokens: 2 }] }],
    [StarsInvoiceRequestSchema, { packId: 'small' }],
    [StarsInvoiceResponseSchema, { invoiceLink: 'https://t.me/$abc', payload: 'cc1.x' }],
    [TonProofPayloadResponseSchema, { payload: 'ab'.repeat(32), expiresAt: 1 }],
    [TonConnectRequestSchema, { address, network: '-239', publicKey: 'c'.repeat(64), walletStateInit: 'te6c', proof: { timestamp: 1, domain: { lengthBytes: 7, value: 'example' }, payload: 'p', signature: 'AAAA' } }],
    [WalletResponseSchema, { wallet: { address, friendly: 'UQ' } }],
    [DevStarsPayRequestSchema, { invoiceLink: 'https://t.me/$abc' }],
    [DevStarsPayResponseSchema, { telegramPaymentChargeId: 'c', balance: '5' }],
    [DevTonTestWalletResponseSchema, { version: 'v4', secretKeyHex: 'a'.repeat(128), seedHex: 'a'.repeat(64), publicKeyHex: 'a'.repeat(64), address, friendly: 'UQ', walletStateInit: 'te6', chain: '-239', seqno: 0, balance: '0' }],
    [DevTonSendBocRequestSchema, { boc: 'te6cc' }],
    [DevTonSendBocResponseSchema, { messageHash: 'a'.repeat(64) }],
    [ChatRequestSchema, { messages: [{ role: 'user', content: 'hi' }], temperature: 0.5, topP: 1, seed: 7 }],
    [JobMetaSchema, s.meta],
    [SealedRequestSchema, s.sealed.x25519],
    [ChunkPayloadSchema, { type: 'delta', text: 'x' }],
    [ChunkPayloadSchema, { type: 'end', receipt: s.receipt }],
    [ChunkPayloadSchema, { type: 'error', code: 'engine.unavailable', message: 'm' }],
    [SignedReceiptSchema, s.receipt],
    [ClaimsSchema, s.claims],
    [SimulatedQuoteSchema, JSON.parse(fromUtf8(fromB64u(s.bundle.quote)))],
    [NvidiaGpuEvidenceSchema, { version: 1, report: 'AAAA', certChain: '-----BEGIN CERTIFICATE-----' }],
  ];
}

export function schemasTarget(s: ProtocolSamples): FuzzTarget {
  const pairs = schemaSamples(s);
  const samples = pairs.map(([, sample]) => sample);
  return fuzzTarget<{ schema: number; input: MessageInput }>({
    name: 'protocol.schemas',
    testRuns: 2000,
    inputs: fc.oneof(...samples.map((_, i) => fc.record({ schema: fc.constant(i), input: messageInputs([samples[i]]) }))),
    rejects: neverThrows,
    run({ schema, input }) {
      let value: unknown;
      try {
        value = JSON.parse(messageText([samples[schema]], input));
      } catch {
        return;
      }
      pairs[schema]![0].safeParse(value);
    },
  });
}
