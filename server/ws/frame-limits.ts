import type { WebSocket } from 'ws';
import { CHUNK_FRAME_HEADER_BYTES, MAX_CHUNK_DATA_BYTES } from '@cocoon/shared/protocol/chunk-frame';
import { MAX_REQUEST_BYTES } from '@cocoon/shared/protocol/jobs';
import { requestSuiteParams } from '@cocoon/shared/protocol/request-suite';

/**
 * The largest frame each role's real messages can make, from the protocol's own limits
 * (shared/protocol/jobs.ts, attestation-bundle.ts); ws-frame-limits.test.ts builds those messages
 * at the schemas' maxima and checks they fit, and that one character more is refused by the schema.
 */

const b64uLength = (bytes: number): number => Math.ceil((bytes * 4) / 3);
const largestEnc = Math.max(...Object.values(requestSuiteParams).map((p) => p.encBytes));

/**
 * `job.create` with the largest sealed request the schema admits (256 KiB of ciphertext before
 * base64url) and an X-Wing `enc`, plus 2 KiB for the type, the job metadata and the JSON
 * punctuation (under 600 bytes): 345 KiB. Requests are padded to powers of two, so what clients
 * seal is either at most the 128 KiB bucket plus the AEAD tag (a 175 KiB frame) or a 256 KiB
 * bucket the schema refuses; the limit stays at the schema's maximum so that refusal is an error
 * frame the client can show, not a closed socket. `auth` and `job.cancel` are far smaller.
 */
export const MAX_CLIENT_FRAME_BYTES = b64uLength(MAX_REQUEST_BYTES) + b64uLength(largestEnc) + 2048;

/** The attestation bundle's schema maxima, in characters (shared/protocol/attestation-bundle.ts). */
export const BUNDLE_LIMITS = { claims: 16_384, quote: 65_536, gpuEvidence: 16, gpuEvidenceData: 65_536, gpuEvidenceKind: 64, collateral: 262_144 } as const;

/** The hello's machine info maxima (shared/protocol/ws-messages.ts MachineInfoSchema), in characters. */
export const MACHINE_LIMITS = { gpus: 64, gpuName: 128, ccMode: 32, agentVersion: 64 } as const;

const b = BUNDLE_LIMITS;
const m = MACHINE_LIMITS;
/**
 * The machine info at its maxima: free text, so each character may escape to six bytes (`\u0000`),
 * plus 48 bytes per GPU for the member names, the memory and punctuation: 63 KiB.
 */
const MAX_MACHINE_BYTES = m.gpus * (6 * (m.gpuName + m.ccMode) + 48) + 6 * m.agentVersion + 32;
/**
 * `host.hello` with the largest bundle: the blobs at their maxima, the collateral (JSON text in a
 * JSON string: PEM chains and quoted members, so every character escapes to at most two bytes)
 * doubled, the machine info, and 8 KiB for the enrollment token, the two signatures, the evidence
 * kinds and punctuation.
 */
const MAX_HELLO_BYTES = b.claims + b.quote + b.gpuEvidence * (b.gpuEvidenceData + b.gpuEvidenceKind) + 2 * b.collateral + MAX_MACHINE_BYTES + 8192;
/** The binary chunk frame with the largest sealed chunk (shared/protocol/chunk-frame.ts): its 24-byte header and the data. */
export const MAX_CHUNK_FRAME_BYTES = CHUNK_FRAME_HEADER_BYTES + MAX_CHUNK_DATA_BYTES;

/** The larger of the two: a hello with a full bundle and machine info, 1.65 MiB (a chunk is 1 MiB). */
export const MAX_HOST_FRAME_BYTES = Math.max(MAX_HELLO_BYTES, MAX_CHUNK_FRAME_BYTES);

interface ReceiverInternals {
  _receiver?: { _maxPayload?: unknown };
}

/**
 * Sets the largest frame this one socket accepts; a bigger one fails it with 1009 before its
 * payload is buffered. `ws` takes `maxPayload` per server only, and @fastify/websocket has one
 * server for both routes, so the socket's receiver is changed right after the upgrade: the route
 * handler runs synchronously in the upgrade callback, before any frame has been read.
 * @throws Error if this version of `ws` keeps the limit elsewhere (caught by the frame-limit tests).
 */
export function setMaxFrameBytes(socket: WebSocket, bytes: number): void {
  const receiver = (socket as unknown as ReceiverInternals)._receiver;
  if (!receiver || typeof receiver._maxPayload !== 'number') throw new Error('ws: cannot set a per-socket frame limit on this version');
  receiver._maxPayload = bytes;
}
