import { sha256, toHex } from '../../protocol/encoding';

/** A bounded map of remembered results, least recently used evicted first. */
export interface BoundedMemo<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
  readonly size: number;
  /** How many lookups found their key. */
  readonly hits: number;
}

export function boundedMemo<T>(maxEntries: number): BoundedMemo<T> {
  const entries = new Map<string, T>();
  let hits = 0;
  return {
    get(key) {
      if (!entries.has(key)) return undefined;
      const value = entries.get(key)!;
      // Re-inserted: Map keeps insertion order, so the oldest key is always the least recently used.
      entries.delete(key);
      entries.set(key, value);
      hits++;
      return value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    get size() {
      return entries.size;
    },
    get hits() {
      return hits;
    },
  };
}

interface NodeHash {
  createHash(algorithm: 'sha256'): { update(data: Uint8Array): { digest(encoding: 'hex'): string } };
}

const isNodeHash = (m: unknown): m is NodeHash => typeof m === 'object' && m !== null && 'createHash' in m && typeof m.createHash === 'function';

/**
 * Node's synchronous hash where there is one (a WebCrypto digest costs a thread-pool round trip,
 * about a quarter of the P-256 verification it would save); WebCrypto in the browser.
 */
const nodeCrypto: NodeHash | undefined = (() => {
  const proc: unknown = Reflect.get(globalThis, 'process');
  const load: unknown = typeof proc === 'object' && proc !== null ? Reflect.get(proc, 'getBuiltinModule') : undefined;
  if (typeof load !== 'function') return undefined;
  const mod: unknown = Reflect.apply(load, proc, ['node:crypto']);
  return isNodeHash(mod) ? mod : undefined;
})();

/** Hex SHA-256 of `data`. */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  return nodeCrypto ? nodeCrypto.createHash('sha256').update(data).digest('hex') : toHex(await sha256(data));
}
