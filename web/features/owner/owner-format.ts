import type { GpuInfo } from '@cocoon/shared/protocol/ws-messages';
import type { Machine } from '@cocoon/shared/protocol/owner';
import { currentLocale, formatNumber, t } from '../../i18n';

/** How the owner screens write numbers, times and states. UI only: the wire keeps exact values. */

/** The machine's name, or enough of its node id to recognise it. */
export const machineLabel = (m: Pick<Machine, 'id' | 'name'>): string => m.name ?? (m.id.length <= 14 ? m.id : `${m.id.slice(0, 8)}…${m.id.slice(-4)}`);

export type Tone = 'good' | 'warn' | 'off';
/** The labels are read when shown (getters), so they follow the active language. */
export const machineStatusView: Record<Machine['status'], { label: string; tone: Tone }> = {
  online: { get label() { return t('owner.status.online'); }, tone: 'good' },
  attested: { get label() { return t('owner.status.attested'); }, tone: 'good' },
  draining: { get label() { return t('owner.status.draining'); }, tone: 'warn' },
  offline: { get label() { return t('owner.status.offline'); }, tone: 'off' },
};

/** How long since `iso`: "<1 min", "5 min", "3 h", "2 days" (a clock a little ahead counts as now). */
export function elapsed(iso: string, nowMs: number): string {
  const s = Math.max(0, Math.floor((nowMs - Date.parse(iso)) / 1000));
  if (s < 60) return t('owner.time.underMinute');
  const min = Math.floor(s / 60);
  if (min < 60) return t('owner.time.minutes', { count: min });
  const h = Math.floor(min / 60);
  if (h < 48) return t('owner.time.hours', { count: h });
  return t('owner.time.days', { count: Math.floor(h / 24) });
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function ago(iso: string, nowMs: number): string {
  if (nowMs - Date.parse(iso) < 60_000) return t('owner.time.justNow');
  return t('owner.time.ago', { time: elapsed(iso, nowMs) });
}

/** GPU memory as vendors print it: 81920 MiB -> "80 GB", 24576 -> "24 GB", 12800 -> "12.5 GB". */
export function formatMemory(mib: number): string {
  const gb = Math.round((mib / 1024) * 10) / 10;
  return t('owner.unit.gb', { value: formatNumber(gb) });
}

/** "8 × NVIDIA H100 · 80 GB", identical GPUs counted; one line per model of GPU. */
export function gpuLines(gpus: readonly GpuInfo[]): string[] {
  const groups = new Map<string, number>();
  for (const g of gpus) {
    const key = `${g.name} · ${formatMemory(g.memoryMiB)}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([key, n]) => (n > 1 ? `${n} × ${key}` : key));
}

/** 1000 -> "1×", 1250 -> "1.25×", 100 -> "0.1×". */
export const formatCoefficient = (milli: number): string => `${formatNumber(milli / 1000, { maximumFractionDigits: 3 })}×`;

export const COEFFICIENT_MIN_MILLI = 100;
export const COEFFICIENT_MAX_MILLI = 100_000;

/** "1.5", "1,5", "1.5x", "2×" -> milli; an error in words outside 0.1×–100× or past 3 decimals. */
export function parseCoefficient(input: string): { ok: true; milli: number } | { ok: false; error: string } {
  const m = /^\s*(\d{1,3})(?:[.,](\d{0,3}))?\s*[x×]?\s*$/i.exec(input);
  if (!m) return { ok: false, error: t('owner.coefficient.errorFormat') };
  const milli = Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0') || '0');
  if (milli < COEFFICIENT_MIN_MILLI || milli > COEFFICIENT_MAX_MILLI) return { ok: false, error: t('owner.coefficient.errorRange') };
  return { ok: true, milli };
}

/** The stepper's next value: 0.1× steps up to 2×, 0.5× to 10×, 5× beyond; snapped to the grid, within bounds. */
export function stepCoefficient(milli: number, direction: 1 | -1): number {
  const below = direction < 0 ? milli - 1 : milli;
  const step = below < 2000 ? 100 : below < 10_000 ? 500 : 5000;
  const snapped = direction > 0 ? Math.floor(milli / step) * step + step : Math.ceil(milli / step) * step - step;
  return Math.min(COEFFICIENT_MAX_MILLI, Math.max(COEFFICIENT_MIN_MILLI, snapped));
}

/** An uptime fraction: 0.99949 -> "99.9%" (rounded down, so 100% means never down); null -> "—". */
export function formatUptime(fraction: number | null): string {
  if (fraction === null) return '—';
  const tenths = Math.floor(fraction * 1000 + 1e-9);
  return formatNumber(tenths / 1000, { style: 'percent', maximumFractionDigits: 1 });
}

/** 950 -> "950", 1234 -> "1.2K", 2_500_000 -> "2.5M". */
export function compactCount(n: number): string {
  if (n < 1000) return formatNumber(n);
  const [value, unit] = n < 1_000_000 ? [n / 1000, 'owner.unit.thousand'] : n < 1_000_000_000 ? [n / 1_000_000, 'owner.unit.million'] : [n / 1_000_000_000, 'owner.unit.billion'];
  const rounded = Math.floor(value * 10) / 10;
  return t(unit, { value: formatNumber(rounded) });
}

/** Time to first token: 240 -> "240 ms", 1420 -> "1.4 s"; null (no jobs yet) -> "—". */
export function formatTtft(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return t('owner.unit.ms', { value: formatNumber(Math.round(ms)) });
  return t('owner.unit.s', { value: formatNumber(Math.round(ms / 100) / 10) });
}

/** The scheduler's reliability score as a percentage (in the active language) and how it reads. */
export function reliabilityView(score: number): { percent: string; tone: Tone } {
  return { percent: formatNumber(Math.round(score * 100) / 100, { style: 'percent' }), tone: score >= 0.9 ? 'good' : score >= 0.6 ? 'warn' : 'off' };
}

/** Basis points as a percentage: 500 -> "5%", 250 -> "2.5%". */
export const formatBps = (bps: number): string => formatNumber(bps / 10_000, { style: 'percent', maximumFractionDigits: 2 });

/** A TON amount worth `micro` credits at the broker's rate, rounded down (the broker decides). */
export const microToNano = (micro: bigint, microCreditsPerTon: bigint): bigint => (microCreditsPerTon > 0n ? (micro * 1_000_000_000n) / microCreditsPerTon : 0n);

/** The labels and words are read when shown (getters), so they follow the active language. */
export const payoutStatusView: Record<'recorded' | 'sent' | 'confirmed' | 'returned', { label: string; words: string; tone: Tone }> = {
  recorded: { get label() { return t('owner.payoutStatus.recorded'); }, get words() { return t('owner.payoutStatus.recordedWords'); }, tone: 'warn' },
  sent: { get label() { return t('owner.payoutStatus.sent'); }, get words() { return t('owner.payoutStatus.sentWords'); }, tone: 'warn' },
  confirmed: { get label() { return t('owner.payoutStatus.confirmed'); }, get words() { return t('owner.payoutStatus.confirmedWords'); }, tone: 'good' },
  returned: { get label() { return t('owner.payoutStatus.returned'); }, get words() { return t('owner.payoutStatus.returnedWords'); }, tone: 'off' },
};

/** The explorer page of a payout's transaction; null on the local sandbox (no explorer) or before it is sent. */
export function explorerUrl(template: string | null, txHash: string | null): string | null {
  if (!template || !txHash || !template.includes('{hash}')) return null;
  return template.replace('{hash}', encodeURIComponent(txHash));
}

/** "3 Dec", "3 Dec 2025" outside this year: a payout's or a day's date, in UTC as the broker's days are. */
export function shortDate(iso: string, nowMs: number): string {
  const d = new Date(iso);
  const sameYear = d.getUTCFullYear() === new Date(nowMs).getUTCFullYear();
  // English as in Britain (day before month); other languages as their own.
  return d.toLocaleDateString(currentLocale() === 'en' ? 'en-GB' : currentLocale(), { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }), timeZone: 'UTC' });
}
