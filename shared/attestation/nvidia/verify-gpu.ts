import { CocoonError } from '../../errors';
import { bytesEqual, toHex } from '../../protocol/encoding';
import type { CheckLog } from '../checks';
import { parseCertificateChain, type Certificate } from '../x509/certificate';
import { certificateKey, verifyChain } from '../x509/chain';
import { DerReader, Tag, type Tlv } from '../x509/der';
import { Curves, verifyEcdsa } from '../x509/ecdsa';
import { NVIDIA_DEVICE_IDENTITY_CA_SPKI } from './nvidia-root';
import type { GpuReference } from '../policy';
import { checkCcMode, gpuModeFacts, type GpuModeFacts } from './gpu-mode';
import { firmwareFacts, OpaqueField, type GpuFirmwareFacts } from './opaque';
import { matchReference } from './reference-measurements';
import { parseSpdmReport, type SpdmReport } from './spdm';

/** What a verified GPU report says (reported whether or not every check passed). */
export interface GpuFacts extends GpuFirmwareFacts, GpuModeFacts {
  index: number;
  /** The device certificate's subject (e.g. `CN=GH100 A01 GSP FMC LF, ...`). */
  device: string;
  measurementCount: number;
  /** The requester nonce the report carries, hex. */
  nonce: string;
  /** The reference set (policy `gpuReferences`) the measurements match, if any. */
  referenceSet?: string;
}

export interface GpuVerifyOptions {
  index: number;
  now: Date;
  /** The nonce the report must carry; without it the nonce check is skipped. */
  expectedNonce?: Uint8Array;
  /** Where the expected nonce came from, for the check's pass reason (e.g. `--nonce`). */
  expectedNonceSource?: string;
  /** Allowed VBIOS versions (case-insensitive); without it the firmware check is skipped. */
  allowedFirmware?: readonly string[];
  /** NVIDIA reference measurement sets (policy `gpuReferences`); without one, debug_off fails. */
  references?: readonly GpuReference[];
}

/** TCG DICE TcbInfo / FWID extension of NVIDIA device certificates. */
const DICE_TCB_INFO = '2.23.133.5.4.1';

/**
 * Verifies one NVIDIA GPU report: SPDM structure, device chain to the pinned NVIDIA Device
 * Identity CA key, the report's P-384 signature by the leaf over request || response, the FWID
 * matching the leaf certificate, the nonce, CC mode on as the signed report states it
 * (./gpu-mode.ts), debug off by comparing the measurements with NVIDIA's reference measurements
 * (and CC mode the same way where the report does not state it: ./reference-measurements.ts), and
 * the firmware allowlist. Checks are named `gpu[i].*` in `log`. Returns the facts, or undefined
 * when the report cannot be parsed.
 */
export async function verifyNvidiaReport(report: Uint8Array, certChainPem: string, opts: GpuVerifyOptions, log: CheckLog): Promise<GpuFacts | undefined> {
  const n = (check: string) => `gpu[${opts.index}].${check}`;
  const parsed = await log.run(n('parse'), () => ({ spdm: parseSpdmReport(report), chain: readChain(certChainPem) }), (p) => `SPDM 1.1, ${p.spdm.response.blocks.length} measurements`);
  if (!parsed) return undefined;
  const { spdm, chain } = parsed;
  const facts: GpuFacts = { index: opts.index, device: chain[0]!.subjectName, measurementCount: spdm.response.blocks.length, nonce: toHex(spdm.request.nonce), ...firmwareFacts(spdm.response.opaque), ...gpuModeFacts(spdm.response.opaque) };
  await log.run(n('chain'), () => verifyChain(chain, NVIDIA_DEVICE_IDENTITY_CA_SPKI, opts.now.getTime()), () => 'chains to the pinned NVIDIA Device Identity CA key');
  await log.run(n('signature'), () => checkSignature(spdm, chain[0]!));
  const fwid = spdm.response.opaque.get(OpaqueField.fwid);
  if (!fwid) log.skip(n('fwid'), 'the report carries no FWID');
  else await log.run(n('fwid'), () => checkFwid(fwid, chain[0]!));
  if (!opts.expectedNonce) log.skip(n('nonce'), 'no expected nonce');
  else {
    const expected = opts.expectedNonce;
    await log.run(n('nonce'), () => {
      if (!bytesEqual(spdm.request.nonce, expected)) throw new CocoonError('attestation.gpu_nonce_mismatch', 'the GPU report was not requested with this enclave\'s nonce');
      return opts.expectedNonceSource ? `carries ${opts.expectedNonceSource}` : undefined;
    });
  }
  const reference = matchReference(spdm, facts, opts.references);
  if (reference.ok) facts.referenceSet = reference.name;
  await log.run(n('cc_mode'), () => checkCcMode(facts, reference.ok ? reference : undefined));
  if (reference.ok) log.pass(n('debug_off'), reference.reason);
  else log.fail(n('debug_off'), 'attestation.gpu_debug_not_off', reference.reason);
  const allowed = opts.allowedFirmware;
  if (!allowed?.length) log.skip(n('firmware'), 'the policy has no GPU firmware allowlist');
  else await log.run(n('firmware'), () => checkFirmware(facts.vbiosVersion, allowed), () => `VBIOS ${facts.vbiosVersion}`);
  return facts;
}

function readChain(pem: string): Certificate[] {
  try {
    return parseCertificateChain(pem);
  } catch (cause) {
    throw new CocoonError('attestation.gpu_evidence_invalid', `GPU certificate chain: ${cause instanceof CocoonError ? cause.message : 'unreadable'}`, { cause });
  }
}

async function checkSignature(spdm: SpdmReport, leaf: Certificate): Promise<void> {
  const key = await certificateKey(leaf);
  const size = 2 * Curves[key.curve].size;
  if (spdm.response.signature.length !== size) throw new CocoonError('attestation.gpu_evidence_invalid', `the signature is ${spdm.response.signature.length} bytes, expected ${size}`);
  if (!(await verifyEcdsa(key, 'SHA-384', spdm.response.signature, spdm.signedBytes))) {
    throw new CocoonError('attestation.gpu_evidence_invalid', 'the GPU report signature does not verify with the device certificate');
  }
}

/** The FWID in the report is one the device certificate (DICE TcbInfo extension) attests. */
function checkFwid(fwid: Uint8Array, leaf: Certificate): void {
  const ext = leaf.extensions.find((e) => e.oid === DICE_TCB_INFO);
  if (!ext) throw new CocoonError('attestation.gpu_evidence_invalid', 'the device certificate has no FWID extension');
  const r = new DerReader('attestation.gpu_evidence_invalid');
  const octets: Uint8Array[] = [];
  // An explicit stack, not recursion: the nesting depth is the certificate's to choose.
  const pending: Tlv[] = [r.one(ext.value)];
  for (let t = pending.pop(); t; t = pending.pop()) {
    if (t.tag === Tag.octetString || (t.tag & 0xc0) === 0x80) octets.push(t.value);
    if (t.tag & 0x20) for (const child of r.children(t)) pending.push(child);
  }
  if (!octets.some((o) => bytesEqual(o, fwid))) throw new CocoonError('attestation.gpu_evidence_invalid', 'the report\'s FWID is not the one in the device certificate');
}

function checkFirmware(vbios: string | undefined, allowed: readonly string[]): void {
  if (!vbios) throw new CocoonError('attestation.gpu_firmware_not_allowed', 'the report carries no VBIOS version');
  if (!allowed.some((a) => a.toUpperCase() === vbios)) throw new CocoonError('attestation.gpu_firmware_not_allowed', `VBIOS ${vbios} is not in the policy's allowlist`);
}
