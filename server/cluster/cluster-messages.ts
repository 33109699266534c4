import { z } from 'zod';
import { fromUtf8, utf8 } from '@cocoon/shared/protocol/encoding';
import { HostToBrokerSchema } from '@cocoon/shared/protocol/ws-messages';

/**
 * What brokers say to each other over the bus (server/cluster/bus.ts). Subjects, under the
 * cluster's name (`CLUSTER_NAME`, so that clusters sharing one NATS never mix):
 * - `<cluster>.dir`: the host directory: every broker's hello, heartbeat with its hosts, goodbye;
 * - `<cluster>.to-host.<broker>`: to the broker holding a host's socket, what another broker
 *   (the job's owner: the one its client is connected to) sends that host;
 * - `<cluster>.to-owner.<broker>`: to a job's owner, the host's job messages (JSON) and its
 *   sealed chunks, as the chunk frame's bytes unchanged (its first byte, 0xC1, tells them apart
 *   from JSON, which starts with `{`).
 */
export const subjects = (cluster: string) => ({
  directory: `${cluster}.dir`,
  toHost: (brokerId: string) => `${cluster}.to-host.${brokerId}`,
  toOwner: (brokerId: string) => `${cluster}.to-owner.${brokerId}`,
});

const BrokerId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** Hosts per directory message: about 150 KB of summaries, well under NATS's default 1 MB. */
export const HOSTS_PER_PAGE = 500;

/** One host as the broker holding its socket announces it. The bundle is in PostgreSQL (bundle-store.ts). */
export const HostSummarySchema = z.object({
  hostId: z.string().min(1).max(128),
  bundleDigest: z.string().min(1).max(128),
  priceCoefficientMilli: z.number().int().min(100).max(100_000),
  maxConcurrentJobs: z.number().int().min(1),
  ownerId: z.string().min(1).max(64),
  draining: z.boolean(),
  /** Jobs in flight on it, from every broker: its load. */
  activeJobs: z.number().int().min(0),
  /** When this connection was accepted (ms since the epoch): of two connections of one host, the newer wins. */
  since: z.number().int().min(0),
});
export type HostSummary = z.infer<typeof HostSummarySchema>;

export const DirectoryMessageSchema = z.discriminatedUnion('type', [
  /** A broker started: the others announce their hosts at once. */
  z.object({ type: z.literal('hello'), brokerId: BrokerId, instance: z.string().min(1).max(64) }),
  /**
   * Every second, and whenever its hosts change: all the hosts whose sockets it holds, in `pages`
   * messages (a NATS message holds 1 MB by default) numbered `page` within the announcement `round`.
   */
  z.object({
    type: z.literal('beat'), brokerId: BrokerId, instance: z.string().min(1).max(64),
    round: z.number().int().min(0), page: z.number().int().min(0), pages: z.number().int().min(1).max(10_000),
    hosts: z.array(HostSummarySchema).max(HOSTS_PER_PAGE),
  }),
  /** A clean shutdown: drop its hosts now rather than after missed heartbeats. */
  z.object({ type: z.literal('bye'), brokerId: BrokerId, instance: z.string().min(1).max(64) }),
]);
export type DirectoryMessage = z.infer<typeof DirectoryMessageSchema>;

/**
 * To the broker with the host's socket. `since` names the connection meant: a later one of the same
 * host is not touched. `msg` is checked against BrokerToHostSchema by the receiver, which forwards
 * it as it came (the schema's output form, with bigints, is not what goes on the wire).
 */
export const ToHostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('send'), from: BrokerId, hostId: z.string(), since: z.number().int(), msg: z.unknown() }),
  z.object({ type: z.literal('close'), from: BrokerId, hostId: z.string(), since: z.number().int(), code: z.number().int(), reason: z.string().max(123) }),
]);
export type ToHostMessage = z.input<typeof ToHostMessageSchema>;

/** To a job's owner: one of the host's job messages. */
export const ToOwnerMessageSchema = z.object({ hostId: z.string(), msg: HostToBrokerSchema });
export type ToOwnerMessage = z.input<typeof ToOwnerMessageSchema>;

export const encodeJson = (value: unknown): Uint8Array => utf8(JSON.stringify(value));

/** Parses a JSON message with its schema; undefined (and the reason) for anything else. */
export function decodeJson<S extends z.ZodType>(schema: S, data: Uint8Array): { ok: true; value: z.output<S> } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(data));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: parsed.error.issues[0]?.message ?? 'invalid' };
}
