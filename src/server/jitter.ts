// Spreads periodic work: many projects configured with the same interval would otherwise all
// reach their upstreams (and the global sync limit) at the same instant.

/** The default spread: ±10% of the delay. */
export const DEFAULT_JITTER = 0.1;

/** `ms` moved by up to ±`fraction` of itself; `random` returns [0, 1) like Math.random. */
export function withJitter(ms: number, random: () => number = Math.random, fraction = DEFAULT_JITTER): number {
  const offset = (random() * 2 - 1) * fraction * ms;
  return Math.max(0, Math.round(ms + offset));
}
