import { beforeAll, describe, expect, it } from 'vitest';
import {
  ago,
  elapsed,
  compactCount,
  explorerUrl,
  formatBps,
  formatCoefficient,
  formatMemory,
  formatTtft,
  formatUptime,
  gpuLines,
  machineLabel,
  microToNano,
  parseCoefficient,
  reliabilityView,
  shortDate,
  stepCoefficient,
} from './owner-format';
import { loadAreas } from '../../i18n';

beforeAll(() => loadAreas(['owner']));

const NOW = Date.parse('2026-12-01T12:00:00Z');

describe('owner screens formatting', () => {
  it('labels a machine by its name, else by a short node id', () => {
    expect(machineLabel({ id: 'abcdefgh12345678wxyz', name: 'Basement rig' })).toBe('Basement rig');
    expect(machineLabel({ id: 'abcdefgh12345678wxyz', name: null })).toBe('abcdefgh…wxyz');
    expect(machineLabel({ id: 'host-e2e-1', name: null })).toBe('host-e2e-1');
  });

  it('says how long ago a status began', () => {
    expect(ago('2026-12-01T11:59:30Z', NOW)).toBe('just now');
    expect(ago('2026-12-01T11:55:00Z', NOW)).toBe('5 min ago');
    expect(ago('2026-12-01T09:00:00Z', NOW)).toBe('3 h ago');
    expect(ago('2026-11-28T12:00:00Z', NOW)).toBe('3 days ago');
    expect(ago('2026-12-01T12:00:05Z', NOW)).toBe('just now'); // a clock a little ahead
    expect(elapsed('2026-12-01T11:55:00Z', NOW)).toBe('5 min');
    expect(elapsed('2026-12-01T11:59:59Z', NOW)).toBe('<1 min');
  });

  it('writes GPU memory and groups identical GPUs', () => {
    expect(formatMemory(81920)).toBe('80 GB');
    expect(formatMemory(12800)).toBe('12.5 GB');
    expect(gpuLines([{ name: 'NVIDIA H100', memoryMiB: 81920 }, { name: 'NVIDIA H100', memoryMiB: 81920 }, { name: 'NVIDIA L4', memoryMiB: 23034 }])).toEqual([
      '2 × NVIDIA H100 · 80 GB',
      'NVIDIA L4 · 22.5 GB',
    ]);
    expect(gpuLines([])).toEqual([]);
  });

  it('parses the price coefficient within 0.1×–100×, with at most 3 decimals', () => {
    expect(parseCoefficient('1.5')).toEqual({ ok: true, milli: 1500 });
    expect(parseCoefficient(' 1,25x ')).toEqual({ ok: true, milli: 1250 });
    expect(parseCoefficient('2×')).toEqual({ ok: true, milli: 2000 });
    expect(parseCoefficient('0.1')).toEqual({ ok: true, milli: 100 });
    expect(parseCoefficient('100')).toEqual({ ok: true, milli: 100_000 });
    expect(parseCoefficient('0.09')).toEqual({ ok: false, error: 'Between 0.1× and 100×' });
    expect(parseCoefficient('100.001')).toEqual({ ok: false, error: 'Between 0.1× and 100×' });
    expect(parseCoefficient('1.2345').ok).toBe(false);
    expect(parseCoefficient('-1').ok).toBe(false);
    expect(parseCoefficient('').ok).toBe(false);
    expect(formatCoefficient(1250)).toBe('1.25×');
    expect(formatCoefficient(100)).toBe('0.1×');
  });

  it('steps the coefficient on a grid that widens with the value, within bounds', () => {
    expect(stepCoefficient(1000, 1)).toBe(1100);
    expect(stepCoefficient(1000, -1)).toBe(900);
    expect(stepCoefficient(1950, 1)).toBe(2000);
    expect(stepCoefficient(1950, -1)).toBe(1900);
    expect(stepCoefficient(2000, 1)).toBe(2500);
    expect(stepCoefficient(2000, -1)).toBe(1900);
    expect(stepCoefficient(10_000, 1)).toBe(15_000);
    expect(stepCoefficient(10_000, -1)).toBe(9500);
    expect(stepCoefficient(100, -1)).toBe(100);
    expect(stepCoefficient(100_000, 1)).toBe(100_000);
  });

  it('rounds uptime down so 100% means never down', () => {
    expect(formatUptime(1)).toBe('100%');
    expect(formatUptime(0.99999)).toBe('99.9%');
    expect(formatUptime(0.5)).toBe('50%');
    expect(formatUptime(0)).toBe('0%');
    expect(formatUptime(null)).toBe('—');
  });

  it('writes counts, time to first token, reliability and fees compactly', () => {
    expect(compactCount(950)).toBe('950');
    expect(compactCount(1299)).toBe('1.2K');
    expect(compactCount(2_500_000)).toBe('2.5M');
    expect(formatTtft(240.4)).toBe('240 ms');
    expect(formatTtft(1420)).toBe('1.4 s');
    expect(formatTtft(null)).toBe('—');
    expect(reliabilityView(0.97)).toEqual({ percent: '97%', tone: 'good' });
    expect(reliabilityView(0.7).tone).toBe('warn');
    expect(reliabilityView(0.2).tone).toBe('off');
    expect(formatBps(500)).toBe('5%');
    expect(formatBps(250)).toBe('2.5%');
  });

  it('converts credits to TON at the broker rate, rounding down', () => {
    expect(microToNano(100_000_000n, 100_000_000n)).toBe(1_000_000_000n);
    expect(microToNano(1n, 300_000_000n)).toBe(3n);
    expect(microToNano(5n, 0n)).toBe(0n);
  });

  it('links a transaction to the explorer only where there is one', () => {
    expect(explorerUrl('https://tonviewer.com/transaction/{hash}', 'ab12')).toBe('https://tonviewer.com/transaction/ab12');
    expect(explorerUrl(null, 'ab12')).toBeNull();
    expect(explorerUrl('https://tonviewer.com/transaction/{hash}', null)).toBeNull();
    expect(explorerUrl('https://no-placeholder.example/', 'ab12')).toBeNull();
  });

  it('dates in UTC, with the year only outside this one', () => {
    expect(shortDate('2026-11-03T23:30:00Z', NOW)).toBe('3 Nov');
    expect(shortDate('2025-11-03T10:00:00Z', NOW)).toBe('3 Nov 2025');
  });
});
