import { describe, expect, it } from 'vitest';
import { enrollmentPhase, formatCountdown, secondsLeft } from './enrollment-state';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const enrollment = { id: '0b8f3c1e-7a41-4c1e-9d1a-2f3b4c5d6e7f', token: 't'.repeat(32), command: 'npx cocoon-host enroll ttt --broker http://x', expiresAt: '2026-12-01T12:30:00Z' };

describe('enrollment phase', () => {
  it('counts down while waiting', () => {
    expect(enrollmentPhase(enrollment, undefined, NOW)).toEqual({ phase: 'waiting', secondsLeft: 1800 });
    expect(enrollmentPhase(enrollment, { id: enrollment.id, status: 'waiting', hostId: null, expiresAt: enrollment.expiresAt }, NOW + 1000)).toEqual({
      phase: 'waiting',
      secondsLeft: 1799,
    });
    expect(formatCountdown(1799)).toBe('29:59');
    expect(formatCountdown(65)).toBe('1:05');
    expect(formatCountdown(0)).toBe('0:00');
  });

  it('is enrolled when the broker says so, even past the phone’s expiry', () => {
    const status = { id: enrollment.id, status: 'enrolled' as const, hostId: 'node-abc', expiresAt: enrollment.expiresAt };
    expect(enrollmentPhase(enrollment, status, NOW + 3_600_000)).toEqual({ phase: 'enrolled', hostId: 'node-abc' });
  });

  it('is expired when either the broker or the clock says so', () => {
    expect(enrollmentPhase(enrollment, { id: enrollment.id, status: 'expired', hostId: null, expiresAt: enrollment.expiresAt }, NOW)).toEqual({ phase: 'expired' });
    expect(enrollmentPhase(enrollment, undefined, Date.parse(enrollment.expiresAt))).toEqual({ phase: 'expired' });
    expect(secondsLeft(enrollment.expiresAt, NOW + 3_600_000)).toBe(0);
  });
});
