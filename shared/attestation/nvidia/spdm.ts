import { ByteReader } from '../byte-reader';

/**
 * An NVIDIA GPU attestation report: SPDM 1.1 GET_MEASUREMENTS request (37 bytes, carrying the
 * requester's nonce) followed by the MEASUREMENTS response and its signature (DMTF DSP0274 1.1,
 * as NVIDIA nvtrust's local verifier reads it).
 */
export interface SpdmReport {
  request: { version: number; param1: number; param2: number; nonce: Uint8Array; slotId: number };
  response: {
    version: number;
    param1: number;
    param2: number;
    blocks: MeasurementBlock[];
    /** The responder's nonce. */
    nonce: Uint8Array;
    opaque: Map<number, Uint8Array>;
    signature: Uint8Array;
  };
  /** request || response without the signature: what the device key signs (SPDM 1.1 L1/L2). */
  signedBytes: Uint8Array;
}

export interface MeasurementBlock {
  index: number;
  valueType: number;
  value: Uint8Array;
}

const SPDM_1_1 = 0x11;
const GET_MEASUREMENTS = 0xe0;
const MEASUREMENTS = 0x60;
const DMTF_SPEC = 1;
const SIGNATURE_REQUESTED = 0x01;

/** Parses the report; `attestation.gpu_evidence_invalid` for anything malformed or trailing. */
export function parseSpdmReport(bytes: Uint8Array): SpdmReport {
  const r = new ByteReader(bytes, 'attestation.gpu_evidence_invalid', 'GPU report');
  const request = { version: r.u8('request version'), code: r.u8('request code'), param1: r.u8('request param1'), param2: r.u8('request param2') };
  if (request.version !== SPDM_1_1) r.fail(`SPDM version 0x${request.version.toString(16)} is not 1.1`);
  if (request.code !== GET_MEASUREMENTS) r.fail('the request is not GET_MEASUREMENTS');
  if (!(request.param1 & SIGNATURE_REQUESTED)) r.fail('the request did not ask for a signature');
  const nonce = r.take(32, 'request nonce');
  const slotId = r.u8('request slot id');
  const version = r.u8('response version');
  if (version !== request.version) r.fail('response and request SPDM versions differ');
  if (r.u8('response code') !== MEASUREMENTS) r.fail('the response is not MEASUREMENTS');
  const param1 = r.u8('response param1');
  const param2 = r.u8('response param2');
  const count = r.u8('number of blocks');
  const blocks = readBlocks(new ByteReader(r.take(r.u24('record length'), 'measurement record'), r.code, 'GPU measurement record'), count);
  const respNonce = r.take(32, 'response nonce');
  const opaque = readOpaque(r.sized(2, 'opaque data'));
  const signedBytes = bytes.subarray(0, r.offset);
  const signature = r.rest();
  if (signature.length === 0) r.fail('no signature');
  return { request: { ...request, nonce, slotId }, response: { version, param1, param2, blocks, nonce: respNonce, opaque, signature }, signedBytes };
}

function readBlocks(r: ByteReader, count: number): MeasurementBlock[] {
  const blocks: MeasurementBlock[] = [];
  for (let i = 0; i < count; i++) {
    const index = r.u8('block index');
    if (blocks.some((b) => b.index === index)) r.fail(`block ${index} appears twice`);
    if (r.u8('measurement specification') !== DMTF_SPEC) r.fail(`block ${index} is not a DMTF measurement`);
    const m = r.sized(2, `block ${index}`);
    const valueType = m.u8('value type');
    const value = m.sized(2, 'value').rest();
    m.end();
    blocks.push({ index, valueType, value });
  }
  r.end();
  return blocks;
}

function readOpaque(r: ByteReader): Map<number, Uint8Array> {
  const fields = new Map<number, Uint8Array>();
  while (r.remaining > 0) {
    const type = r.u16('opaque field type');
    const value = r.sized(2, `opaque field ${type}`).rest();
    if (fields.has(type)) r.fail(`opaque field ${type} appears twice`);
    fields.set(type, value);
  }
  return fields;
}
