import type { PhaseFigures } from './driver';
import type { TargetRun } from './run';

/** The load test's printout: a block per relay, then the issue's targets as PASS / MISS lines. */
const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const num = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-');

const phaseRow = (label: string, p: PhaseFigures | undefined): string =>
  p
    ? `  ${label.padEnd(10)} ${num(p.chunksPerS).padStart(9)} chunks/s   p50 ${ms(p.p50Ms).padStart(7)} ms   p99 ${ms(p.p99Ms).padStart(8)} ms   CPU ${p.cores.toFixed(2)} cores   RSS ${mb(p.rssBytes)} MB   (${num(p.chunks)} chunks in ${p.seconds.toFixed(1)} s)`
    : `  ${label.padEnd(10)} not run`;

export function resultLines(r: TargetRun): string[] {
  const d = r.driver;
  const failures = [...d.failures].map(([code, n]) => `${code} x${n}`).join(', ');
  const ramp = r.ramp;
  return [
    `${r.name}: ${num(r.held)} of ${num(r.requested)} streams held; memory ${(r.memoryPerStreamBytes / 1024).toFixed(1)} KiB per stream over ${mb(ramp?.baselineRssBytes ?? NaN)} MB`,
    ramp
      ? `  opened     ${num(ramp.opened)} in ${ramp.seconds.toFixed(1)} s (${num(ramp.opened / ramp.seconds)}/s), job.create to job.start p50 ${ms(ramp.openP50Ms)} ms p99 ${ms(ramp.openP99Ms)} ms, CPU ${ramp.cores.toFixed(2)} cores`
      : '  opened     not run',
    phaseRow('paced', r.hold?.figures),
    ...(r.bareHold ? [phaseRow('bare relay', r.bareHold.figures) + `   [paced, ${num(r.bareHold.held)} streams, right after]`] : []),
    ...(r.saturated ? [phaseRow('saturated', r.saturated) + `   [${num(r.saturatedStreams)} streams, ${r.windows.length} windows]`] : []),
    ...(r.bareSaturated ? [phaseRow('bare relay', r.bareSaturated) + '   [the same streams, windows alternating]'] : []),
    (r.finish ? `  finished   ${num(r.finish.finished)} in ${r.finish.seconds.toFixed(1)} s (${num(r.finish.finished / Math.max(r.finish.seconds, 0.001))}/s: final chunk, receipt, settlement)` : '  finished   (at the end of the run)') +
      `${d.outOfOrder ? `; ${d.outOfOrder} chunks OUT OF ORDER` : ''}${d.skippedSends ? `; ${num(d.skippedSends)} paced sends skipped (relay behind)` : ''}${failures ? `; failures: ${failures}` : ''}`,
  ];
}

export const verdict = (ok: boolean, what: string): string => `${ok ? 'PASS' : 'MISS'}  ${what}`;

/**
 * The issue's targets for a broker run, against the bare relay of the same run. `relayTarget`:
 * the ratio to the bare relay the issue asks for (x0.80 for one broker); null where it asks for
 * the figure only (two brokers), printed without a verdict.
 */
export function targetLines(broker: TargetRun, wantStreams: number, relayTarget: number | null = 0.8): string[] {
  const lines = [verdict(broker.held >= wantStreams, `streams held: ${num(broker.held)} (target >= ${num(wantStreams)})`)];
  const k = broker.saturated;
  const b = broker.bareSaturated;
  if (k && b) {
    const ratio = k.chunksPerS / b.chunksPerS;
    const what = `relay rate ${num(k.chunksPerS)} vs bare ${num(b.chunksPerS)} chunks/s (saturated, ${num(broker.saturatedStreams)} streams, alternating windows): x${ratio.toFixed(2)}`;
    lines.push(relayTarget === null ? `INFO  ${what} (no target: the issue asks for the figure)` : verdict(ratio >= relayTarget, `${what} (target >= x${relayTarget.toFixed(2)})`));
  } else lines.push(verdict(false, 'relay rate: not measured (no stream held)'));
  const kh = broker.hold?.figures;
  const bh = broker.bareHold?.figures;
  if (kh && bh) {
    lines.push(`      paced, same streams: chunk latency p50/p99 ${ms(kh.p50Ms)}/${ms(kh.p99Ms)} ms vs bare ${ms(bh.p50Ms)}/${ms(bh.p99Ms)} ms; relay CPU per 1k chunks/s ${((kh.cores / kh.chunksPerS) * 1000).toFixed(3)} vs ${((bh.cores / bh.chunksPerS) * 1000).toFixed(3)} cores`);
  }
  return lines;
}
