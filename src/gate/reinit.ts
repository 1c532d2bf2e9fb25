import { rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { GateContext } from './context.js';
import { backupStamp } from './backups.js';
import { readRefState } from './ref-state.js';

/**
 * The one destructive path: before the gate is wiped, every ref it holds (branches, tags, hidden
 * snapshot, attic and backups) goes into a bundle beside it, whose path is returned. The old
 * directory is first renamed aside, so a crash mid-wipe leaves no half-deleted gate. A gate whose
 * refs cannot be read is kept whole beside the new one (`.old`) and that path is returned.
 */
export async function wipeGateWithBundle(ctx: GateContext): Promise<string | null> {
  if (!existsSync(ctx.gatePath)) return null;
  const state = await readRefState(ctx.runner, ctx.gatePath).catch(() => null);
  if (state === null) {
    // Refs that cannot be read cannot be bundled: keep the whole directory instead of deleting it.
    const kept = `${ctx.gatePath}.reinit-${backupStamp(new Date())}.old`;
    await rename(ctx.gatePath, kept);
    return kept;
  }
  let bundle: string | null = null;
  const refCount = state.heads.size + state.tags.size + state.snapshot.size + state.attic.size + state.foreign.size + state.backups.size;
  if (refCount > 0) {
    bundle = `${ctx.gatePath}.reinit-${backupStamp(new Date())}.bundle`;
    await ctx.runner.run(['bundle', 'create', '--quiet', '--end-of-options', bundle, '--all'], { gitDir: ctx.gatePath });
  }
  const aside = `${ctx.gatePath}.wipe-${Date.now()}`;
  await rename(ctx.gatePath, aside);
  await rm(aside, { recursive: true, force: true });
  return bundle;
}
