// Time as the scheduler sees it: injectable so tests drive it without real waiting.

/** Now, and one-shot timers. */
export interface Clock {
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** The process clock; timers are unref'd so a pending schedule never keeps the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
