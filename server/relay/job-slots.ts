import { CocoonError } from '@cocoon/shared/errors';
import { isFull, type OnlineHost } from '../hosts/registry';

/**
 * The concurrency caps: a user's jobs in flight (at most `maxPerUser`, over all their sockets) and
 * each host's (at most the `maxConcurrentJobs` its hello stated). A slot is taken synchronously,
 * before the first await of opening a job, so concurrent `job.create`s cannot overshoot either cap;
 * nothing is held or recorded for a job refused here.
 */
export class JobSlots {
  private readonly perUser = new Map<string, number>();

  constructor(private readonly maxPerUser: number) {}

  /** @throws CocoonError('job.too_many_concurrent' | 'host.busy'), taking nothing. */
  take(userId: string, host: OnlineHost): void {
    const mine = this.perUser.get(userId) ?? 0;
    if (mine >= this.maxPerUser) throw new CocoonError('job.too_many_concurrent', `at most ${this.maxPerUser} jobs at once per user; wait for one to finish`);
    if (isFull(host)) throw new CocoonError('host.busy', `the host runs at most ${host.maxConcurrentJobs} jobs at once; try again or pick another host`);
    this.perUser.set(userId, mine + 1);
    host.activeJobs++;
  }

  /** Gives back a slot `take` gave; called once per job. */
  free(userId: string, host: OnlineHost): void {
    const mine = (this.perUser.get(userId) ?? 1) - 1;
    if (mine > 0) this.perUser.set(userId, mine);
    else this.perUser.delete(userId);
    host.activeJobs--;
  }

  /** Jobs `userId` has in flight. */
  of(userId: string): number {
    return this.perUser.get(userId) ?? 0;
  }
}
