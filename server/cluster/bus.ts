/**
 * Messages between broker instances (several brokers, README "NATS_URL"): subjects carry bytes,
 * delivered at most once, in order per publisher. `InProcessBus` is the embedded default (one
 * process, no NATS); `NatsBus` connects brokers over NATS. Nothing above this interface knows which.
 */
export type BusHandler = (data: Uint8Array, subject: string) => void;

export interface Bus {
  /** Sends `data` to every subscriber of `subject`; never blocks, never throws for lack of subscribers. */
  publish(subject: string, data: Uint8Array): void;
  /**
   * Calls `handler` for every message on `subject` (NATS wildcards `*` and `>` allowed), one at a
   * time, in arrival order. Returns the unsubscribe function.
   */
  subscribe(subject: string, handler: BusHandler): () => void;
  /** Resolves once everything published so far has left this process. */
  flush(): Promise<void>;
  /** Milliseconds of one round trip to the message server (for metrics); undefined without one (in process). */
  roundTripMs(): Promise<number | undefined>;
  close(): Promise<void>;
}

/** Whether `subject` matches `pattern` (NATS tokens: `*` one token, `>` the rest). */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}
