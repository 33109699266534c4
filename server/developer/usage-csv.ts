import { USAGE_CSV_COLUMNS } from '@cocoon/shared/protocol/developer';
import type { Executor } from '../db/client';
import { allUsage, type UsageFilter, type UsageItem } from './usage';

/**
 * RFC 4180 fields. A text that a spreadsheet would run as a formula (a key name such as
 * `=HYPERLINK(…)`) gets a leading `'`, so opening the export runs nothing.
 */
function field(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Exact credits: micro-credits with six decimals (the UI's formatting rounds). */
const exactCredits = (micro: string): string => {
  const m = BigInt(micro);
  return `${m / 1_000_000n}.${(m % 1_000_000n).toString().padStart(6, '0')}`;
};

export function usageCsvLine(i: UsageItem): string {
  const cells = [
    i.createdAt, i.id, i.keyId, i.keyName, i.model, i.hostId, i.promptTokens, i.completionTokens,
    i.cost, i.cost === null ? null : exactCredits(i.cost), i.status, i.errorCode, i.receiptId,
  ]; // in the order of USAGE_CSV_COLUMNS
  return cells.map(field).join(',') + '\r\n';
}

/** The header, then one line per request, newest first, streamed page by page. */
export async function* usageCsv(db: Executor, f: UsageFilter): AsyncGenerator<string> {
  yield USAGE_CSV_COLUMNS.join(',') + '\r\n';
  for await (const item of allUsage(db, f)) yield usageCsvLine(item);
}

export const usageCsvFileName = (f: UsageFilter): string => `cocoon-usage-${f.day ?? 'all'}.csv`;
