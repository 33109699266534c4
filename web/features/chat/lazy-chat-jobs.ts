import type { BrokerEvent } from '../../ws/broker-socket';
import type { ChatJobs, ChatJobsDeps } from './chat-jobs';
import { ClientErrorCodes } from './error-messages';

/**
 * The chat's jobs (./chat-jobs.ts), whose code loads just after the first paint, not in it (the
 * initial-JS budget): the chunk is asked for when the chat mounts, long before anyone can type
 * and send. Frames, stops and connection losses can only concern a job that was sent, so before
 * it loads there is nothing for them to do; a message sent while it is still on its way waits for
 * it, and one whose chunk cannot load fails as a lost connection (the next send tries again).
 */
export class LazyChatJobs {
  private jobs: ChatJobs | undefined;
  private loading: Promise<ChatJobs> | undefined;
  private closed = false;

  constructor(
    private readonly deps: ChatJobsDeps,
    private readonly maxTokens: number,
  ) {
    void this.load().catch(() => undefined);
  }

  private load(): Promise<ChatJobs> {
    this.loading ??= import('./chat-jobs').then(
      (m) => {
        const jobs = new m.ChatJobs(this.deps, this.maxTokens);
        if (this.closed) jobs.close();
        return (this.jobs = jobs);
      },
      (e: unknown) => {
        this.loading = undefined;
        throw e;
      },
    );
    return this.loading;
  }

  async send(...args: Parameters<ChatJobs['send']>): Promise<void> {
    let jobs: ChatJobs;
    try {
      jobs = await this.load();
    } catch {
      const [jobId] = args;
      this.deps.dispatch({ type: 'uncharged', jobId });
      return this.deps.dispatch({ type: 'failed', jobId, error: { code: ClientErrorCodes.connectionLost, detail: 'the chat could not load its code' } });
    }
    return jobs.send(...args);
  }

  receive(m: BrokerEvent): void {
    this.jobs?.receive(m);
  }

  stop(jobId: string): void {
    this.jobs?.stop(jobId);
  }

  connectionLost(): void {
    this.jobs?.connectionLost();
  }

  close(): void {
    this.closed = true;
    this.jobs?.close();
  }
}
