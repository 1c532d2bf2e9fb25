import type { CliContext } from './context.js';

/**
 * Runs long work with an AbortSignal tied to Ctrl-C (SIGINT) and SIGTERM: the first signal
 * cancels cleanly (git's process groups are killed, the gate lock is released, the gate keeps
 * its last good state and the command reports GATE_CANCELLED); a second one exits at once.
 */
export async function cancellable<T>(ctx: CliContext, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
    ctx.out.diag('cancelling … (press Ctrl-C again to stop at once)');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
