import { z } from 'zod';
import { WireErrorSchema } from '../errors';
import { AttestationBundleSchema } from './attestation-bundle';
import { b64uBytes, BigIntString } from './encoding';
import { JobMetaSchema, ResponseNonceSchema, SealedChunkSchema, SealedRequestSchema } from './jobs';
import { SignedReceiptSchema } from './receipt';

const JobId = z.object({ jobId: z.uuid() });

/** Host agent -> broker, on `/api/host`. */
export const HostToBrokerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('host.hello'),
    protocol: z.literal(1),
    bundle: AttestationBundleSchema,
    /** The enrollment token the owner created; proves the host may join. */
    enrollToken: z.string().min(16).max(256),
    /** Ed25519 signature by the claims' signing key over `host-hello-v1 || challenge`. */
    challengeSignature: b64uBytes(64),
    /** The host's price coefficient in thousandths (1000 = base price). */
    priceCoefficientMilli: z.number().int().min(100).max(100_000).default(1000),
  }),
  z.object({ type: z.literal('host.refresh'), bundle: AttestationBundleSchema }),
  JobId.extend({ type: z.literal('job.start'), responseNonce: ResponseNonceSchema }),
  JobId.extend({ type: z.literal('job.chunk'), chunk: SealedChunkSchema }),
  JobId.extend({ type: z.literal('job.end'), receipt: SignedReceiptSchema }),
  JobId.extend({ type: z.literal('job.error'), error: WireErrorSchema }),
]);
export type HostToBroker = z.input<typeof HostToBrokerSchema>;

/** Broker -> host agent. */
export const BrokerToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('host.challenge'), challenge: b64uBytes(32) }),
  z.object({ type: z.literal('host.welcome'), hostId: z.string() }),
  z.object({ type: z.literal('job.open'), meta: JobMetaSchema, request: SealedRequestSchema }),
  JobId.extend({ type: z.literal('job.cancel') }),
  z.object({ type: z.literal('error'), error: WireErrorSchema }),
]);
export type BrokerToHost = z.input<typeof BrokerToHostSchema>;

/** Mini App / proxy -> broker, on `/api/ws`. The first message must be `auth`. */
export const ClientToBrokerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), token: z.string().min(16).max(512) }),
  z.object({ type: z.literal('job.create'), meta: JobMetaSchema, request: SealedRequestSchema }),
  JobId.extend({ type: z.literal('job.cancel') }),
]);
export type ClientToBroker = z.input<typeof ClientToBrokerSchema>;

/** Broker -> Mini App / proxy. Amounts are decimal strings of micro-credits. */
export const BrokerToClientSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth.ok') }),
  JobId.extend({ type: z.literal('job.accepted'), hold: BigIntString }),
  JobId.extend({ type: z.literal('job.start'), responseNonce: ResponseNonceSchema }),
  JobId.extend({ type: z.literal('job.chunk'), chunk: SealedChunkSchema }),
  JobId.extend({
    type: z.literal('job.settled'),
    receipt: SignedReceiptSchema,
    charged: BigIntString,
    balance: BigIntString,
  }),
  z.object({ type: z.literal('error'), jobId: z.uuid().optional(), error: WireErrorSchema }),
]);
export type BrokerToClient = z.input<typeof BrokerToClientSchema>;
export type BrokerToClientParsed = z.output<typeof BrokerToClientSchema>;

