import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat } from './heartbeat';

function watch() {
  const ping = vi.fn();
  const onDead = vi.fn();
  const heartbeat = new Heartbeat({ idleMs: 5_000, timeoutMs: 5_000, ping, onDead });
  heartbeat.start();
  return { heartbeat, ping, onDead };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Heartbeat', () => {
  it('pings after idleMs of quiet and declares the connection dead timeoutMs later if nothing came', () => {
    const { ping, onDead } = watch();
    vi.advanceTimersByTime(4_999);
    expect(ping).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(ping).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(4_999);
    expect(onDead).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onDead).toHaveBeenCalledTimes(1);
    // Within 10 s of the last frame, and only once.
    vi.advanceTimersByTime(60_000);
    expect(onDead).toHaveBeenCalledTimes(1);
  });

  it('stays alive while each ping is answered, pinging again idleMs after each answer', () => {
    const { heartbeat, ping, onDead } = watch();
    vi.advanceTimersByTime(5_000);
    for (let i = 1; i <= 6; i++) {
      expect(ping).toHaveBeenCalledTimes(i);
      vi.advanceTimersByTime(300);
      heartbeat.heard(); // the pong
      vi.advanceTimersByTime(4_999);
      expect(ping).toHaveBeenCalledTimes(i);
      vi.advanceTimersByTime(1);
    }
    expect(onDead).not.toHaveBeenCalled();
  });

  it('needs no ping while frames keep arriving (a streaming answer)', () => {
    const { heartbeat, ping, onDead } = watch();
    for (let i = 0; i < 100; i++) {
      vi.advanceTimersByTime(1_000);
      heartbeat.heard();
    }
    expect(ping).not.toHaveBeenCalled();
    // The stream stops and so does the network: a ping 5 s after the last chunk, dead 5 s later.
    vi.advanceTimersByTime(5_000);
    expect(ping).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5_000);
    expect(onDead).toHaveBeenCalledTimes(1);
  });

  it('counts any frame after the ping as an answer', () => {
    const { heartbeat, onDead } = watch();
    vi.advanceTimersByTime(5_000);
    vi.advanceTimersByTime(4_000);
    heartbeat.heard(); // a job frame, not the pong
    vi.advanceTimersByTime(1_000);
    expect(onDead).not.toHaveBeenCalled();
  });

  it('asks again instead of dropping when its timer fired long after it should (a frozen page)', () => {
    const { ping, onDead } = watch();
    vi.advanceTimersByTime(5_000);
    expect(ping).toHaveBeenCalledTimes(1);
    // The page was frozen for a minute: the clock moved on, the timer had not run.
    vi.setSystemTime(Date.now() + 60_000);
    vi.advanceTimersByTime(5_000);
    expect(onDead).not.toHaveBeenCalled();
    expect(ping).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(5_000);
    expect(onDead).toHaveBeenCalledTimes(1);
  });

  it('does nothing once stopped, and starts afresh', () => {
    const { heartbeat, ping, onDead } = watch();
    vi.advanceTimersByTime(5_000);
    heartbeat.stop();
    vi.advanceTimersByTime(60_000);
    expect(ping).toHaveBeenCalledTimes(1);
    expect(onDead).not.toHaveBeenCalled();
    heartbeat.start();
    vi.advanceTimersByTime(5_000);
    expect(ping).toHaveBeenCalledTimes(2);
  });
});
