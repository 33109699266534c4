import { openRequest, sealRequest } from '../crypto/envelope';
import { generateHpkeKeyPair } from '../crypto/hpke-suite';
import { fromB64u } from '../protocol/encoding';
import type { ChatRequest, JobMeta } from '../protocol/jobs';
import { RequestSuites, type RequestSuite } from '../protocol/request-suite';

export interface SuiteBench {
  suite: RequestSuite;
  /** Median milliseconds of `sealRequest` (encap, seal, export) and of `openRequest` (decap, open, export, response keys). */
  sealMs: number;
  openMs: number;
  /** Bytes of `enc` and of the ciphertext, and of the sealed request as JSON on the wire (base64url). */
  encBytes: number;
  ciphertextBytes: number;
  wireBytes: number;
}

export interface EnvelopeBench {
  runs: number;
  /** Bytes of the request's JSON before padding (it pads to the 1 KiB bucket). */
  plaintextBytes: number;
  xwing: SuiteBench;
  x25519: SuiteBench;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 1000) / 1000;

/** A typical short chat request: its JSON is just under 1 KiB, so it fills the smallest padding bucket. */
function typicalRequest(): ChatRequest {
  const request: ChatRequest = { messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: '' }], temperature: 0.7 };
  const base = JSON.stringify(request).length;
  request.messages[1]!.content = 'Explain what free software means for users. '.repeat(40).slice(0, 1000 - base);
  return request;
}

async function benchSuite(suite: RequestSuite, runs: number, request: ChatRequest): Promise<SuiteBench> {
  const host = await generateHpkeKeyPair(suite);
  const recipient = { suite, publicKey: host.publicKey };
  const keys = { [suite]: host.keyPair };
  const seal: number[] = [];
  const open: number[] = [];
  let last: Awaited<ReturnType<typeof sealRequest>>['sealed'] | undefined;
  for (let i = -5; i < runs; i++) {
    const meta: JobMeta = { jobId: crypto.randomUUID(), hostId: 'host-bench', model: 'bench/model', maxTokens: 256, maxCharge: '5000000' };
    const t0 = performance.now();
    const { sealed } = await sealRequest({ recipient, meta, request });
    const t1 = performance.now();
    await openRequest({ keys, meta, sealed });
    const t2 = performance.now();
    if (i >= 0) {
      // the first 5 warm up
      seal.push(t1 - t0);
      open.push(t2 - t1);
    }
    last = sealed;
  }
  const sealed = last!;
  return {
    suite,
    sealMs: round(median(seal)),
    openMs: round(median(open)),
    encBytes: fromB64u(sealed.enc).length,
    ciphertextBytes: fromB64u(sealed.ciphertext).length,
    wireBytes: JSON.stringify(sealed).length,
  };
}

/**
 * Seal and open cost and sealed size of a typical 1 KiB request with each request suite, in one
 * run, for `npm run bench` (whose section this is; alone: `npx tsx -e "import('@cocoon/shared/testing/envelope-bench').then(async (m) => console.log(m.envelopeBenchLines(await m.benchEnvelope()).join('\n')))"`).
 * @example const b = await benchEnvelope(200); b.xwing.sealMs / b.x25519.sealMs
 */
export async function benchEnvelope(runs = 200): Promise<EnvelopeBench> {
  const request = typicalRequest();
  const x25519 = await benchSuite(RequestSuites.x25519, runs, request);
  const xwing = await benchSuite(RequestSuites.xwing, runs, request);
  return { runs, plaintextBytes: JSON.stringify(request).length, xwing, x25519 };
}

/** The bench section's lines: both suites and the X-Wing / X25519 ratios. */
export function envelopeBenchLines(b: EnvelopeBench): string[] {
  const row = (name: string, s: SuiteBench) =>
    `  ${name.padEnd(26)} seal ${s.sealMs.toFixed(3).padStart(7)} ms   open ${s.openMs.toFixed(3).padStart(7)} ms   sealed ${String(s.encBytes + s.ciphertextBytes).padStart(5)} bytes (enc ${s.encBytes} + ciphertext ${s.ciphertextBytes}), ${s.wireBytes} as JSON`;
  const x = (a: number, c: number) => `x${(a / c).toFixed(2)}`;
  return [
    `request envelope: a ${b.plaintextBytes}-byte chat request (padded to 1 KiB), median of ${b.runs}`,
    row('X25519 / AES-256-GCM', b.x25519),
    row('X-Wing / AES-256-GCM', b.xwing),
    `  ratio (X-Wing / X25519): seal ${x(b.xwing.sealMs, b.x25519.sealMs)}, open ${x(b.xwing.openMs, b.x25519.openMs)}, sealed size ${x(b.xwing.encBytes + b.xwing.ciphertextBytes, b.x25519.encBytes + b.x25519.ciphertextBytes)}, JSON ${x(b.xwing.wireBytes, b.x25519.wireBytes)}`,
  ];
}
