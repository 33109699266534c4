import type { ChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import type { JobMeta, SealedRequest } from '@cocoon/shared/protocol/jobs';
import type { BrokerToClient, HostToBroker } from '@cocoon/shared/protocol/ws-messages';
import type { OnlineHost } from '../hosts/registry';

/** A way to talk to one authenticated client connection. */
export interface ClientLink {
  readonly userId: string;
  /** Set when the client authenticated with a developer's API key: its jobs are checked against the key's limits and recorded with it. */
  readonly apiKeyId?: string | undefined;
  send(msg: BrokerToClient): void;
  /** Sends a sealed chunk's binary frame (shared/protocol/chunk-frame.ts) unchanged. */
  sendChunk(frame: ChunkFrame): void;
}

/** The host messages that belong to a job. */
export type HostJobMessage = Extract<HostToBroker, { type: 'job.start' | 'job.end' | 'job.error' }>;

/**
 * Moves jobs between clients and hosts and settles them. The sockets only call this interface, so
 * an implementation over NATS (client and host on different broker instances) can replace the
 * in-process one without touching them.
 */
/** What a job needs of its client's credential, looked up again when it opens: a key's limits as they are now. */
export interface JobAuthorization {
  apiKey: { requestLimit: bigint | null; totalLimit: bigint | null; dailyLimit: bigint | null } | null;
}

export interface Relay {
  /**
   * Holds credits (the job's worst case, never above its `maxCharge`), records the job and forwards
   * it to its host with the model's price. Throws a CocoonError when refused. `authorized`: the
   * client's key looked up again for this job (none for a session, whose expiry the socket
   * checks), awaited before the hold is placed; its refusal ends the job as a refused hold does.
   */
  openJob(client: ClientLink, meta: JobMeta, request: SealedRequest, authorized?: Promise<JobAuthorization>): Promise<void>;
  /**
   * Asks the host to stop; the host still ends with a receipt, which is settled normally (the prompt
   * and the tokens streamed), unless no answer chunk was relayed: then the hold is released.
   */
  cancelJob(client: ClientLink, jobId: string): void;
  clientGone(client: ClientLink): void;
  /**
   * Backpressure (server/ws/backpressure.ts): the client's socket has too much unread (true) or has
   * been read down again (false); its jobs' hosts are told `job.pause` / `job.resume`.
   */
  clientCongestion(client: ClientLink, congested: boolean): void;
  hostMessage(host: OnlineHost, msg: HostJobMessage): Promise<void>;
  /** A sealed chunk from the job's host, as its binary frame: checked for order, digested, relayed unchanged. */
  hostChunk(host: OnlineHost, frame: ChunkFrame): Promise<void>;
  /** Fails every job in flight on the host and releases their holds. */
  hostGone(host: OnlineHost): Promise<void>;
  /** Times out idle jobs and releases expired holds. */
  sweep(now?: Date): Promise<void>;
}
