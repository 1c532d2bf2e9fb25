// Timing helpers: cases run in alternation (gate, raw, raw, gate, …) so machine noise hits both
// sides alike; results are medians, and the table compares sides of the same run only.
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../dist/index.js';

/** The median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs each case `iterations` times, alternating the order every iteration. A case is
 * { name, setup?(i) → ctx, run(ctx, i), teardown?(ctx) }; only run() is timed. `warmup`
 * iterations run first and are not counted. Returns name → { samples, median } in ms.
 */
export async function alternate(cases, { iterations, warmup = 0 }) {
  const samples = new Map(cases.map((c) => [c.name, []]));
  for (let i = 0; i < warmup + iterations; i++) {
    const order = i % 2 === 0 ? cases : [...cases].reverse();
    for (const c of order) {
      const ctx = c.setup ? await c.setup(i) : undefined;
      const started = performance.now();
      await c.run(ctx, i);
      const elapsed = performance.now() - started;
      if (c.teardown) await c.teardown(ctx, i);
      if (i >= warmup) samples.get(c.name).push(elapsed);
    }
  }
  const out = {};
  for (const [name, list] of samples) out[name] = { samples: list, median: median(list) };
  return out;
}

/** Times one async call. */
export async function timeOnce(fn) {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/**
 * What starting one process costs this Node process now: the median of 7 spawns of `true` to
 * exit. Node forks (libuv copies the page tables), so the cost grows with the process's memory,
 * and every git process a GitGate runs pays it on the event loop.
 */
export async function spawnCost() {
  const times = [];
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    await new Promise((resolve, reject) => spawn('true', [], { stdio: 'ignore' }).on('error', reject).on('close', resolve));
    times.push(performance.now() - started);
  }
  return { ms: median(times), rssMiB: process.memoryUsage().rss / 1024 / 1024 };
}

/** Formats milliseconds for the table. */
export function ms(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '-';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;
}

/** Formats a ratio. */
export function ratio(value) {
  return value === null || value === undefined || Number.isNaN(value) ? '-' : `${value.toFixed(2)}x`;
}

/** Formats KiB. */
export function kib(value) {
  return value >= 1024 ? `${(value / 1024).toFixed(1)} MiB` : `${value} KiB`;
}

/**
 * A debug logger that records the git processes a GitGate runs (verb and duration, as the runner
 * logs them), for a profile of one untimed run.
 */
export function gitProfiler() {
  const calls = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const entry = JSON.parse(line);
          if (entry.msg === 'git' && typeof entry.verb === 'string') calls.push({ verb: entry.verb, ms: entry.durationMs });
        } catch {
          // not a JSON line; ignore
        }
      }
      callback();
    },
  });
  return {
    logger: createLogger({ level: 'debug', destination }),
    calls,
    reset() {
      calls.length = 0;
    },
    /**
     * "N git processes …: verb ms, …" in completion order. The runner logs run() calls only; a
     * streamed call (the rev-list walk of countReachable) shows up in the wall time alone.
     */
    summary(wallMs) {
      const total = calls.reduce((sum, c) => sum + c.ms, 0);
      const wall = wallMs === undefined ? '' : `wall ${Math.round(wallMs)} ms; `;
      return `${wall}${calls.length} logged git processes, ${total} ms summed: ${calls.map((c) => `${c.verb} ${c.ms}`).join(', ')}`;
    },
  };
}

/** Collects table rows and prints them as one aligned table. */
export class ResultTable {
  constructor() {
    this.rows = [];
    this.notes = [];
  }

  /**
   * One row: { scenario, measure, gate, raw, ratio, target, pass } where pass is true, false, null
   * (information only) or 'ERROR'.
   */
  add(row) {
    this.rows.push(row);
  }

  note(text) {
    this.notes.push(text);
  }

  print() {
    const header = ['#', 'measure', 'gate', 'raw git', 'gate/raw', 'target', 'result'];
    const body = this.rows.map((r) => [r.scenario, r.measure, r.gate ?? '-', r.raw ?? '-', r.ratio ?? '-', r.target ?? '-', r.pass === true ? 'PASS' : r.pass === false ? 'MISS' : r.pass === 'ERROR' ? 'ERROR' : 'info']);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => String(row[i]).length)));
    const line = (cells) => cells.map((cell, i) => String(cell).padEnd(widths[i])).join('  ').trimEnd();
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const row of body) console.log(line(row));
    if (this.notes.length > 0) {
      console.log('');
      for (const note of this.notes) console.log(`  ${note}`);
    }
  }
}
