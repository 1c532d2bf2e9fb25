import { countReachable, type GitRunner, type ReachQuery } from '../git/index.js';
import type { Logger } from '../log/index.js';
import { classificationQueries, classifyBranches, type Classification, type ClassifyInput, divergedQueries } from './classify.js';

// Negative sets are shared arrays (see upstreamKnownTips); join each only once.
const joined = new WeakMap<readonly string[], string>();

/** The key a reach question is answered under. */
export function queryKey(positive: string, negatives: readonly string[]): string {
  let key = joined.get(negatives);
  if (key === undefined) joined.set(negatives, (key = negatives.join(',')));
  return `${positive}:${key}`;
}

// Round 1 tells fast-forwards from diverged branches; round 2 asks everything a diverged branch
// may need. No branch needs more, so a third round means a bug.
const MAX_ROUNDS = 3;

/**
 * Classifies with as few history walks as the answers allow. The common sync (branches that
 * fast-forward) is decided by round 1 alone, whose questions use one bit per gate tip as a
 * positive; the costlier questions (gate-only counts against every known upstream tip) are asked
 * only for the few branches that diverged.
 */
export async function classifyByWalking(runner: GitRunner, gitDir: string, input: ClassifyInput, logger: Logger, signal?: AbortSignal): Promise<Classification> {
  const started = performance.now();
  let asked = 0;
  const answers = new Map<string, number>();
  let queries: ReachQuery[] = classificationQueries(input);
  for (let round = 1; ; round++) {
    asked += queries.length;
    const counts = await countReachable(runner, gitDir, queries, signal ? { signal } : {});
    queries.forEach((query, i) => answers.set(queryKey(query.positive, query.negatives), counts[i]!));
    const missing = new Map<string, ReachQuery>();
    const classification = classifyBranches(input, (positive, negatives) => {
      const key = queryKey(positive, negatives);
      const answer = answers.get(key);
      if (answer !== undefined) return answer;
      missing.set(key, { positive, negatives });
      return 0; // a placeholder: this round's classification is discarded when anything is missing
    });
    if (missing.size === 0) {
      logger.debug({ rounds: round, queries: asked, durationMs: Math.round(performance.now() - started) }, 'classified');
      return classification;
    }
    if (round >= MAX_ROUNDS) throw new Error(`classification still needed ${missing.size} answer(s) after ${round} rounds`);
    queries = followUp(input, answers, missing);
  }
}

/**
 * What the next walk asks: the questions classification could not answer, plus everything the
 * diverged branches may still ask, so one more walk settles them all. Already answered ones are
 * left out.
 */
export function followUp(input: ClassifyInput, answers: ReadonlyMap<string, number>, missing: ReadonlyMap<string, ReachQuery>): ReachQuery[] {
  const next = new Map(missing);
  const diverged = (branch: string) => (answers.get(queryKey(input.heads.get(branch)!, [input.upstream.get(branch)!])) ?? 0) > 0;
  for (const query of divergedQueries(input, diverged)) {
    const key = queryKey(query.positive, query.negatives);
    if (!answers.has(key)) next.set(key, query);
  }
  return [...next.values()];
}
