import { z } from 'zod';
import { WireErrorSchema } from '../errors';
import { PriceSchema } from '../pricing';
import { AttestationBundleSchema } from './attestation-bundle';
import { b64uBytes, BigIntString } from './encoding';
import { JobMetaSchema, ResponseNonceSchema, SealedRequestSchema } from './jobs';
import { SignedReceiptSchema } from './receipt';

const JobId = z.object({ jobId: z.uuid() });

/** A host's job capacity when its hello does not state one, and the most it may state. */
export const DEFAULT_HOST_CONCURRENT_JOBS = 8;
export const MAX_HOST_CONCURRENT_JOBS = 4096;

/** One GPU as the machine reports it (`nvidia-smi` or its GPU evidence). */
export const GpuInfoSchema = z.object({
  name: z.string().min(1).max(128),
  memoryMiB: z.number().int().min(0).max(16_777_216),
  /** NVIDIA confidential-computing mode as the driver reports it (`on`, `off`, `devtools`), when known. */
  ccMode: z.string().max(32).optional(),
});
export type GpuInfo = z.infer<typeof GpuInfoSchema>;

export const MachineInfoSchema = z.object({
  agentVersion: z.string().min(1).max(64),
  gpus: z.array(GpuInfoSchema).max(64),
});
export type MachineInfo = z.infer<typeof MachineInfoSchema>;

/** Host agent -> broker, on `/api/host`. */
export const HostToBrokerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('host.hello'),
    protocol: z.literal(1),
    bundle: AttestationBundleSchema,
    /**
     * The one-time enrollment token the owner made in the app (`cocoon-host enroll <token>`): only
     * on a machine's first connection, which binds its node id (the claims' hostId) to that owner.
     */
    enrollToken: z.string().min(16).max(256).optional(),
    /** Ed25519 signature by the claims' signing key over `host-hello-v1 || challenge`. */
    challengeSignature: b64uBytes(64),
    /** The node key's signature over the challenge and host id (shared/protocol/node-key.ts): the id is the node key. */
    nodeSignature: b64uBytes(64),
    /** What the machine reports of itself for its owner's Machines screen (not trusted for anything else). */
    machine: MachineInfoSchema.optional(),
    /** The host's price coefficient in thousandths (1000 = base price). */
    priceCoefficientMilli: z.number().int().min(100).max(100_000).default(1000),
    /** How many jobs the host runs at once (its own configuration); the broker never sends it more. */
    maxConcurrentJobs: z.number().int().min(1).max(MAX_HOST_CONCURRENT_JOBS).default(DEFAULT_HOST_CONCURRENT_JOBS),
  }),
  z.object({ type: z.literal('host.refresh'), bundle: AttestationBundleSchema }),
  /** The agent is stopping (SIGTERM): send it no new jobs; it finishes the running ones, then leaves. */
  z.object({ type: z.literal('host.drain') }),
  JobId.extend({ type: z.literal('job.start'), responseNonce: ResponseNonceSchema }),
  JobId.extend({ type: z.literal('job.end'), receipt: SignedReceiptSchema }),
  JobId.extend({ type: z.literal('job.error'), error: WireErrorSchema }),
]);
export type HostToBroker = z.input<typeof HostToBrokerSchema>;

/** Broker -> host agent. */
export const BrokerToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('host.challenge'), challenge: b64uBytes(32) }),
  z.object({ type: z.literal('host.welcome'), hostId: z.string() }),
  /** The owner changed the machine's settings in the app: the host uses them from its next job. */
  z.object({ type: z.literal('host.settings'), priceCoefficientMilli: z.number().int().min(100).max(100_000) }),
  z.object({
    type: z.literal('job.open'),
    meta: JobMetaSchema,
    request: SealedRequestSchema,
    /**
     * The network's base price of the model (the broker's to set, as it settles): with its own
     * coefficient the enclave checks the job's worst case against the AAD-bound `maxCharge`.
     */
    price: PriceSchema,
  }),
  JobId.extend({ type: z.literal('job.cancel') }),
  /**
   * Backpressure: the job's reader (the client's socket) has too much unread. The host stops
   * sending that job's chunks (and so reading its engine stream) until `job.resume`; its other
   * jobs go on.
   */
  JobId.extend({ type: z.literal('job.pause') }),
  JobId.extend({ type: z.literal('job.resume') }),
  z.object({ type: z.literal('error'), error: WireErrorSchema }),
]);
export type BrokerToHost = z.input<typeof BrokerToHostSchema>;

/** Mini App / proxy -> broker, on `/api/ws`. The first message must be `auth`. */
export const ClientToBrokerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), token: z.string().min(16).max(512) }),
  z.object({ type: z.literal('job.create'), meta: JobMetaSchema, request: SealedRequestSchema }),
  JobId.extend({ type: z.literal('job.cancel') }),
  /**
   * An app-level heartbeat, answered with `pong`: browsers never expose WebSocket pings, so the
   * Mini App sends this when the socket has been quiet, to notice within seconds a connection that
   * vanished without a close (web/ws/heartbeat.ts).
   */
  z.object({ type: z.literal('ping') }),
]);
export type ClientToBroker = z.input<typeof ClientToBrokerSchema>;

/** Broker -> Mini App / proxy. Amounts are decimal strings of micro-credits. */
export const BrokerToClientSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth.ok') }),
  JobId.extend({ type: z.literal('job.accepted'), hold: BigIntString }),
  JobId.extend({ type: z.literal('job.start'), responseNonce: ResponseNonceSchema }),
  JobId.extend({
    type: z.literal('job.settled'),
    receipt: SignedReceiptSchema,
    charged: BigIntString,
    balance: BigIntString,
  }),
  z.object({
    type: z.literal('error'),
    jobId: z.uuid().optional(),
    error: WireErrorSchema,
    /**
     * "0" when the broker ended a job it had accepted without a charge: the hold is released and no
     * transfer was made. Absent for errors that end no accepted job.
     */
    charged: z.literal('0').optional(),
  }),
  /** The answer to a client's `ping`. */
  z.object({ type: z.literal('pong') }),
]);
export type BrokerToClient = z.input<typeof BrokerToClientSchema>;
export type BrokerToClientParsed = z.output<typeof BrokerToClientSchema>;

