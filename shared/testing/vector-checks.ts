import { buf, fromHex, toHex } from '../protocol/encoding';

/**
 * What the HPKE vector checkers (./hpke-vector.ts, ./hpke-xwing-vector.ts) share: named checks
 * that never throw, hex helpers, and the check of a vector's encryptions and exports against a
 * pair of contexts. WebCrypto only, so the same code runs in Node and in a browser worker.
 */
export interface VectorCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

export const bytes = (hex: string) => buf(fromHex(hex));
export const hexOf = (b: ArrayBuffer | Uint8Array) => toHex(b instanceof Uint8Array ? b : new Uint8Array(b));
/** undefined when equal, else a one-line difference. */
export const diff = (what: string, actual: string, expected: string) => (actual === expected ? undefined : `${what}: got ${actual}, want ${expected}`);
export const firstOf = (...details: (string | undefined)[]) => details.find((d) => d !== undefined);

export type RunCheck = (name: string, run: () => Promise<string | undefined>) => Promise<void>;

/** A list of checks and the function that adds one: a returned string or a throw fails it. */
export function checkList(): { checks: VectorCheck[]; check: RunCheck } {
  const checks: VectorCheck[] = [];
  const check: RunCheck = async (name, run) => {
    try {
      const detail = await run();
      checks.push(detail === undefined ? { name, ok: true } : { name, ok: false, detail });
    } catch (e) {
      checks.push({ name, ok: false, detail: `threw: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` });
    }
  };
  return { checks, check };
}

type Bytes = ReturnType<typeof bytes>;
interface Context {
  seal(pt: Bytes, aad: Bytes): Promise<ArrayBuffer>;
  open(ct: Bytes, aad: Bytes): Promise<ArrayBuffer>;
  export(context: Bytes, length: number): Promise<ArrayBuffer>;
}

/**
 * Every encryption sealed in sequence by one sender context and opened in sequence by one
 * recipient context (`encryption[i]`), and every export on both sides (`export[i]`).
 */
export async function checkContextVectors(
  check: RunCheck,
  contexts: () => { sender: Context; recipient: Context } | undefined,
  v: { encryptions: { pt: string; aad: string; ct: string }[]; exports: { exporter_context: string; L: number; exported_value: string }[] },
): Promise<void> {
  for (const [seq, e] of v.encryptions.entries()) {
    await check(`encryption[${seq}]`, async () => {
      const c = contexts();
      if (!c) return 'no contexts';
      const sealed = hexOf(await c.sender.seal(bytes(e.pt), bytes(e.aad)));
      const opened = hexOf(await c.recipient.open(bytes(e.ct), bytes(e.aad)));
      return firstOf(diff('seal', sealed, e.ct), diff('open', opened, e.pt));
    });
  }
  for (const [i, x] of v.exports.entries()) {
    await check(`export[${i}]`, async () => {
      const c = contexts();
      if (!c) return 'no contexts';
      return firstOf(
        diff('sender', hexOf(await c.sender.export(bytes(x.exporter_context), x.L)), x.exported_value),
        diff('recipient', hexOf(await c.recipient.export(bytes(x.exporter_context), x.L)), x.exported_value),
      );
    });
  }
}
