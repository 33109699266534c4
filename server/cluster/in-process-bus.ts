import { subjectMatches, type Bus, type BusHandler } from './bus';

/**
 * The bus of one broker process (the embedded default): delivery is asynchronous, as over NATS,
 * so code written against it does not come to rely on a publish running its handlers inline.
 * Several brokers in one process (tests) may share one instance.
 */
export class InProcessBus implements Bus {
  private readonly subs = new Set<{ pattern: string; handler: BusHandler }>();
  private closed = false;

  publish(subject: string, data: Uint8Array): void {
    if (this.closed) return;
    const targets = [...this.subs].filter((s) => subjectMatches(s.pattern, subject));
    if (targets.length === 0) return;
    queueMicrotask(() => {
      for (const t of targets) if (this.subs.has(t)) t.handler(data, subject);
    });
  }

  subscribe(subject: string, handler: BusHandler): () => void {
    const sub = { pattern: subject, handler };
    this.subs.add(sub);
    return () => void this.subs.delete(sub);
  }

  async flush(): Promise<void> {
    await Promise.resolve();
  }

  async roundTripMs(): Promise<undefined> {
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subs.clear();
  }
}
