import { CocoonError } from '../../errors';
import { bytesEqual, fromHex, toHex } from '../../protocol/encoding';
import type { TdQeIdentity, TdxTcbInfo } from './collateral';
import type { PckExtension } from './pck-extension';
import type { EnclaveReport, TdReportBody } from './reports';
import type { TcbStatus } from './tcb-status';

/** The TCB level a platform matched, with Intel's status for it. */
export interface MatchedLevel {
  status: TcbStatus;
  tcbDate: string;
  advisoryIds: string[];
}

const matched = (l: { tcbStatus: TcbStatus; tcbDate: number; advisoryIDs?: string[] }): MatchedLevel => ({
  status: l.tcbStatus,
  tcbDate: new Date(l.tcbDate).toISOString(),
  advisoryIds: l.advisoryIDs ?? [],
});

/**
 * The platform's TCB level (Intel PCS API v4, TDX TCB info, "TCB level matching"): the first level
 * whose SGX components and PCESVN are at most the PCK certificate's, and whose TDX components are
 * at most TEE_TCB_SVN (from index 2 when the TDX module major version, TEE_TCB_SVN[1], is not 0:
 * the module itself is then judged by its module identity).
 */
export function platformTcbLevel(tcbInfo: TdxTcbInfo, pck: PckExtension, teeTcbSvn: Uint8Array): MatchedLevel {
  const from = teeTcbSvn[1] !== 0 ? 2 : 0;
  const level = tcbInfo.tcbLevels.find(
    (l) =>
      l.tcb.sgxtcbcomponents.every((c, i) => pck.tcbComponents[i]! >= c.svn) &&
      pck.pceSvn >= l.tcb.pcesvn &&
      l.tcb.tdxtcbcomponents.every((c, i) => i < from || teeTcbSvn[i]! >= c.svn),
  );
  if (!level) throw new CocoonError('attestation.tcb_status_not_accepted', 'the platform TCB is below every level in the TCB info');
  return matched(level);
}

/**
 * The TDX module's identity and status (Intel QVL TdxModuleCheck): MRSIGNERSEAM and SEAMATTRIBUTES
 * must match the TCB info's module (or, for module major version N > 0, identity `TDX_0N`), whose
 * TCB levels then rate the module's ISVSVN (TEE_TCB_SVN[0]).
 */
export function tdxModuleStatus(tcbInfo: TdxTcbInfo, body: TdReportBody): MatchedLevel | undefined {
  const version = body.teeTcbSvn[1]!;
  const id = `TDX_${version.toString(16).toUpperCase().padStart(2, '0')}`;
  if (version === 0) {
    checkModuleSigner(body, tcbInfo.tdxModule, 'the TDX module');
    return undefined;
  }
  const identity = tcbInfo.tdxModuleIdentities?.find((m) => m.id.toUpperCase() === id);
  if (!identity) throw new CocoonError('attestation.tcb_status_not_accepted', `the TCB info has no TDX module identity ${id}`);
  checkModuleSigner(body, identity, `TDX module identity ${id}`);
  const level = identity.tcbLevels.find((l) => body.teeTcbSvn[0]! >= l.tcb.isvsvn);
  if (!level) throw new CocoonError('attestation.tcb_status_not_accepted', `the TDX module ISVSVN is below every level of ${id}`);
  return matched(level);
}

function checkModuleSigner(body: TdReportBody, identity: { mrsigner: string; attributes: string; attributesMask: string }, what: string): void {
  if (toHex(body.mrSignerSeam) !== identity.mrsigner) throw new CocoonError('attestation.tcb_status_not_accepted', `MRSIGNERSEAM does not match ${what}`);
  if (!maskedEqual(body.seamAttributes, identity.attributes, identity.attributesMask)) {
    throw new CocoonError('attestation.tcb_status_not_accepted', `SEAMATTRIBUTES do not match ${what}`);
  }
}

/** The Quoting Enclave's identity and status against Intel's TD QE identity. */
export function qeIdentityStatus(identity: TdQeIdentity, qe: EnclaveReport): MatchedLevel {
  const fail = (what: string): never => {
    throw new CocoonError('attestation.collateral_invalid', `the QE report does not match Intel's TD QE identity: ${what}`);
  };
  if (toHex(qe.mrSigner) !== identity.mrsigner) fail('MRSIGNER');
  if (qe.isvProdId !== identity.isvprodid) fail('ISVPRODID');
  if (!maskedEqual(qe.miscSelect, identity.miscselect, identity.miscselectMask, true)) fail('MISCSELECT');
  if (!maskedEqual(qe.attributes, identity.attributes, identity.attributesMask)) fail('ATTRIBUTES');
  const level = identity.tcbLevels.find((l) => qe.isvSvn >= l.tcb.isvsvn);
  if (!level) fail('ISVSVN is below every level');
  return matched(level!);
}

/**
 * `(value & mask) == (expected & mask)` bytewise. Intel writes MISCSELECT as a big-endian hex u32
 * while the report holds it little-endian, hence `reverse`.
 */
function maskedEqual(value: Uint8Array, expectedHex: string, maskHex: string, reverse = false): boolean {
  const v = reverse ? Uint8Array.from(value).reverse() : value;
  const e = fromHex(expectedHex);
  const m = fromHex(maskHex);
  if (v.length !== e.length || m.length !== e.length) return false;
  return bytesEqual(
    v.map((b, i) => b & m[i]!),
    e.map((b, i) => b & m[i]!),
  );
}
