import { describe, expect, it } from 'vitest';
import { uptimeFraction, uptimeOver } from './host-stats';

const H = 3_600_000;
const at = (h: number) => new Date(Date.UTC(2026, 0, 31) + h * H);

describe('uptime from intervals', () => {
  it('is the covered fraction of the window, an open interval running to now', () => {
    const intervals = [{ startedAt: at(-20), endedAt: at(-14) }, { startedAt: at(-6), endedAt: null }];
    expect(uptimeFraction(intervals, at(-24), at(0), at(-1000))).toBeCloseTo(12 / 24, 9);
  });

  it('counts from enrollment, clips intervals to the window and never counts an overlap twice', () => {
    const intervals = [{ startedAt: at(-50), endedAt: at(-10) }, { startedAt: at(-12), endedAt: at(-8) }];
    // Enrolled 16 h ago: 8 of those 16 h online.
    expect(uptimeFraction(intervals, at(-24), at(0), at(-16))).toBeCloseTo(8 / 16, 9);
    expect(uptimeFraction(intervals, at(-24), at(0), at(-48))).toBeCloseTo(16 / 24, 9);
  });

  it('is null for a machine that did not exist in the window, 0 for one never online', () => {
    expect(uptimeFraction([], at(-24), at(0), at(1))).toBeNull();
    expect(uptimeFraction([], at(-24), at(0), at(-30))).toBe(0);
  });

  it('gives the day, week and month of one history', () => {
    const u = uptimeOver([{ startedAt: at(-24 * 3), endedAt: null }], at(0), at(-24 * 40));
    expect(u.day).toBe(1);
    expect(u.week).toBeCloseTo(3 / 7, 9);
    expect(u.month).toBeCloseTo(3 / 30, 9);
  });
});
