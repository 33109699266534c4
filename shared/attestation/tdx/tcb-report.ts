import { CocoonError } from '../../errors';
import { toHex } from '../../protocol/encoding';
import type { ParsedCollateral } from './collateral';
import type { TdxQuote } from './quote';
import { platformTcbLevel, tdxModuleStatus, type MatchedLevel } from './tcb-levels';
import { convergeTcbStatus, type TcbStatus } from './tcb-status';

/** What is known about the platform's TCB: from the PCK certificate always, from collateral when given. */
export interface TcbReport {
  /** The converged status (platform, TDX module, QE), or `NotEvaluated` without trusted collateral. */
  status: TcbStatus | 'NotEvaluated';
  fmspc: string;
  pceId: string;
  pceSvn: number;
  cpuSvn: string;
  teeTcbSvn: string;
  platformStatus?: TcbStatus;
  tdxModuleStatus?: TcbStatus;
  qeStatus?: TcbStatus;
  tcbDate?: string;
  advisoryIds?: string[];
  tcbEvaluationDataNumber?: number;
  collateralIssuedAt?: string;
  collateralNextUpdate?: string;
}

export const tcbFromQuote = (q: TdxQuote): TcbReport => ({
  status: 'NotEvaluated',
  fmspc: q.pck.fmspc,
  pceId: q.pck.pceId,
  pceSvn: q.pck.pceSvn,
  cpuSvn: q.pck.cpuSvn,
  teeTcbSvn: toHex(q.body.teeTcbSvn),
});

/**
 * Rates the platform with trusted collateral and fills `report`; the converged status must be one
 * the policy accepts, else `attestation.tcb_status_not_accepted`.
 */
export function evaluateTcb(c: ParsedCollateral, q: TdxQuote, qe: MatchedLevel, accepted: readonly TcbStatus[], report: TcbReport): string {
  const platform = platformTcbLevel(c.tcbInfo, q.pck, q.body.teeTcbSvn);
  const module = tdxModuleStatus(c.tcbInfo, q.body);
  let status = convergeTcbStatus(platform.status, qe.status);
  if (module) status = convergeTcbStatus(status, module.status);
  Object.assign(report, {
    status,
    platformStatus: platform.status,
    tdxModuleStatus: module?.status,
    qeStatus: qe.status,
    tcbDate: platform.tcbDate,
    advisoryIds: [...new Set([...platform.advisoryIds, ...qe.advisoryIds, ...(module?.advisoryIds ?? [])])],
    tcbEvaluationDataNumber: c.tcbInfo.tcbEvaluationDataNumber,
    collateralIssuedAt: new Date(c.tcbInfo.issueDate).toISOString(),
    collateralNextUpdate: new Date(c.tcbInfo.nextUpdate).toISOString(),
  } satisfies Partial<TcbReport>);
  if (!accepted.includes(status)) throw new CocoonError('attestation.tcb_status_not_accepted', `TCB status ${status} is not accepted (policy accepts ${accepted.join(', ')})`);
  return `${status} (FMSPC ${q.pck.fmspc})`;
}
