import type { Bus } from './bus';
import { InProcessBus } from './in-process-bus';
import { NatsBus } from './nats-bus';

/** NATS when `NATS_URL` is set (several brokers), else the in-process bus of the embedded default. */
export async function openBus(c: { NATS_URL?: string | undefined; CLUSTER_NAME: string }, brokerId: string): Promise<Bus> {
  return c.NATS_URL ? NatsBus.connect(c.NATS_URL, `${c.CLUSTER_NAME}/${brokerId}`) : new InProcessBus();
}
