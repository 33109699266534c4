import { describe, expect, it } from 'vitest';
import { decodeChunkFrame, encodeChunkFrame, MAX_CHUNK_DATA_BYTES } from '@cocoon/shared/protocol/chunk-frame';
import { MAX_REQUEST_BYTES, MAX_TOKENS_LIMIT } from '@cocoon/shared/protocol/jobs';
import { RequestSuites, requestSuiteParams } from '@cocoon/shared/protocol/request-suite';
import { ClientToBrokerSchema, HostToBrokerSchema } from '@cocoon/shared/protocol/ws-messages';
import { BUNDLE_LIMITS, MACHINE_LIMITS, MAX_CHUNK_FRAME_BYTES, MAX_CLIENT_FRAME_BYTES, MAX_HOST_FRAME_BYTES } from './frame-limits';

/** Base64url of `bytes` zero bytes: the longest string of that size the schemas accept. */
const zeros = (bytes: number) => 'A'.repeat(Math.ceil((bytes * 4) / 3));
const frameBytes = (msg: unknown) => Buffer.byteLength(JSON.stringify(msg));

function largestJobCreate(ciphertext = zeros(MAX_REQUEST_BYTES)) {
  return {
    type: 'job.create',
    meta: { jobId: '6f9619ff-8b86-4011-b42d-00c04fc964ff', hostId: `h${'-'.repeat(62)}`, model: 'm'.repeat(128), maxTokens: MAX_TOKENS_LIMIT, maxCharge: '9'.repeat(18) },
    request: { suite: RequestSuites.xwing, enc: zeros(requestSuiteParams[RequestSuites.xwing].encBytes), ciphertext },
  };
}

function largestHello(edit: Partial<Record<keyof typeof BUNDLE_LIMITS | keyof typeof MACHINE_LIMITS, number>> = {}) {
  const n = { ...BUNDLE_LIMITS, ...MACHINE_LIMITS, ...edit };
  // Control characters: each escapes to six bytes in the frame.
  const text = (length: number) => '\u0001'.repeat(length);
  return {
    type: 'host.hello',
    protocol: 1,
    bundle: {
      version: 1,
      tee: 'tdx',
      claims: 'A'.repeat(n.claims),
      quote: 'A'.repeat(n.quote),
      gpuEvidence: Array.from({ length: n.gpuEvidence }, () => ({ kind: 'k'.repeat(n.gpuEvidenceKind), data: 'A'.repeat(n.gpuEvidenceData) })),
      // JSON text with PEM chains: quotes and newlines, each escaped to two bytes in the frame.
      collateral: '"\n'.repeat(n.collateral / 2) + (n.collateral % 2 ? '"' : ''),
    },
    enrollToken: 't'.repeat(256),
    challengeSignature: zeros(64),
    nodeSignature: zeros(64),
    machine: {
      agentVersion: text(n.agentVersion),
      gpus: Array.from({ length: n.gpus }, () => ({ name: text(n.gpuName), memoryMiB: 16_777_216, ccMode: text(n.ccMode) })),
    },
    priceCoefficientMilli: 100_000,
    maxConcurrentJobs: 4096,
  };
}

const largestChunk = (data = MAX_CHUNK_DATA_BYTES) => encodeChunkFrame({ jobId: '6f9619ff-8b86-4011-b42d-00c04fc964ff', seq: 0xffff_ffff, final: false, pieces: 0xffff, data: new Uint8Array(data) });

describe('WebSocket frame limits, sized to the largest real message of each role', () => {
  it('client: a job.create with the largest sealed request the schema admits fits, with under 2 KiB to spare', () => {
    const frame = largestJobCreate();
    expect(ClientToBrokerSchema.safeParse(frame).success).toBe(true);
    expect(frameBytes(frame)).toBeLessThanOrEqual(MAX_CLIENT_FRAME_BYTES);
    expect(MAX_CLIENT_FRAME_BYTES - frameBytes(frame)).toBeLessThan(2048);
    // One base64url block more is past the schema: the limit is the schema's, not a guess.
    expect(ClientToBrokerSchema.safeParse(largestJobCreate(zeros(MAX_REQUEST_BYTES) + 'AAAA')).success).toBe(false);
    expect(MAX_CLIENT_FRAME_BYTES).toBe(353_068); // 345 KiB
  });

  it('host: a hello with the largest bundle and a chunk with the largest data fit; the hello is the larger', () => {
    const hello = largestHello();
    expect(HostToBrokerSchema.safeParse(hello).success).toBe(true);
    expect(decodeChunkFrame(largestChunk()).data.length).toBe(MAX_CHUNK_DATA_BYTES);
    expect(largestChunk().length).toBe(MAX_CHUNK_FRAME_BYTES);
    expect(frameBytes(hello)).toBeLessThanOrEqual(MAX_HOST_FRAME_BYTES);
    expect(MAX_CHUNK_FRAME_BYTES).toBeLessThanOrEqual(MAX_HOST_FRAME_BYTES);
    expect(MAX_HOST_FRAME_BYTES - frameBytes(hello)).toBeLessThan(8192);
    expect(MAX_CHUNK_FRAME_BYTES).toBeLessThan(frameBytes(hello));
    expect(MAX_HOST_FRAME_BYTES).toBe(1_728_928); // 1.65 MiB
  });

  it("host: each bundle limit assumed is the schema's own (one more is refused)", () => {
    for (const [field, more] of [['claims', 4], ['quote', 4], ['gpuEvidenceData', 4], ['gpuEvidenceKind', 1], ['gpuEvidence', 1], ['collateral', 1]] as const) {
      expect(HostToBrokerSchema.safeParse(largestHello({ [field]: BUNDLE_LIMITS[field] + more })).success, field).toBe(false);
    }
    for (const field of ['gpus', 'gpuName', 'ccMode', 'agentVersion'] as const) {
      expect(HostToBrokerSchema.safeParse(largestHello({ [field]: MACHINE_LIMITS[field] + 1 })).success, field).toBe(false);
    }
    expect(() => encodeChunkFrame({ ...decodeChunkFrame(largestChunk()), data: new Uint8Array(MAX_CHUNK_DATA_BYTES + 1) })).toThrow();
  });

  it('a client frame is far below a host frame: a client cannot send host-sized frames', () => {
    expect(MAX_CLIENT_FRAME_BYTES).toBeLessThan(MAX_HOST_FRAME_BYTES / 4);
  });
});
