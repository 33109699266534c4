import { z } from 'zod';

/** Intel's TCB statuses (PCS API v4, TCB info `tcbStatus`), best first. */
export const TcbStatuses = {
  UpToDate: 'UpToDate',
  SWHardeningNeeded: 'SWHardeningNeeded',
  ConfigurationNeeded: 'ConfigurationNeeded',
  ConfigurationAndSWHardeningNeeded: 'ConfigurationAndSWHardeningNeeded',
  OutOfDate: 'OutOfDate',
  OutOfDateConfigurationNeeded: 'OutOfDateConfigurationNeeded',
  Revoked: 'Revoked',
} as const;
export const TcbStatusSchema = z.enum(Object.values(TcbStatuses) as [TcbStatus, ...TcbStatus[]]);
export type TcbStatus = (typeof TcbStatuses)[keyof typeof TcbStatuses];

/**
 * Combines the platform's TCB status with the status of one more component (the QE identity or
 * the TDX module identity), as Intel's QVL does: a component that is out of date makes the result
 * out of date, keeping "configuration needed"; a revoked component revokes the result.
 */
export function convergeTcbStatus(platform: TcbStatus, component: TcbStatus): TcbStatus {
  if (platform === 'Revoked' || component === 'Revoked') return 'Revoked';
  if (component !== 'OutOfDate' && component !== 'OutOfDateConfigurationNeeded') return platform;
  if (platform === 'ConfigurationNeeded' || platform === 'ConfigurationAndSWHardeningNeeded') return 'OutOfDateConfigurationNeeded';
  if (platform === 'OutOfDateConfigurationNeeded') return platform;
  return 'OutOfDate';
}
