import type { RandomSource } from './scheduler';

/**
 * A seeded generator (mulberry32: 32-bit state, fast, good enough for simulations and tests), so a
 * simulation run is the same on every machine. Never for anything secret.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Exponentially distributed with the given mean (Poisson inter-arrival times, job sizes). */
export const exponential = (random: RandomSource, mean: number): number => -Math.log(1 - random()) * mean;
