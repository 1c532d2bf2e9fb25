import path from 'node:path';
import { isGateError } from '../../errors/index.js';
import type { GlobalConfig } from '../../config/index.js';
import type { CommandDefinition } from '../app.js';
import { fail, type Finding, ok } from '../doctor/finding.js';
import { checkProjects } from '../doctor/projects.js';
import { checkDiskSpace } from '../doctor/disk.js';
import { checkStaleLocks } from '../doctor/locks.js';
import { checkStateRoot } from '../doctor/state-root.js';
import { checkGit, checkSsh } from '../doctor/tools.js';
import { EXIT } from '../exit-codes.js';

/** `gate doctor`: checks the tools, the state root, locks, disk space, config and host-key pins. */
export const defineDoctor: CommandDefinition = (program, app) => {
  program
    .command('doctor')
    .summary('check the set-up; every finding comes with a fix')
    .option('--json', 'print JSON')
    .action(app.action<{ json?: boolean }>(async (ctx) => {
      let global: GlobalConfig | null = null;
      let globalFinding: Finding;
      try {
        global = await ctx.global();
        globalFinding = ok('config', global.file === null ? 'no global config (all defaults)' : `${global.file} loads`);
      } catch (error) {
        if (!isGateError(error)) throw error;
        globalFinding = fail('config', `${error.code}: ${error.message}`, error.fix);
      }
      const [git, ssh, root, disk, projects] = await Promise.all([checkGit(), checkSsh(), checkStateRoot(ctx.paths), checkDiskSpace(ctx.paths), checkProjects(ctx.paths, global)]);
      const locks = await checkStaleLocks([ctx.paths.gatesDir, ...projects.projects.map((p) => path.dirname(p.gate.path))]);
      const findings = [git, ssh, ...root, disk, globalFinding, ...projects.findings, ...locks];
      const healthy = !findings.some((f) => f.level === 'error');
      if (ctx.out.json) ctx.out.emit('doctor', { ok: healthy, stateRoot: ctx.paths.root, findings });
      else {
        const { style } = ctx.out;
        ctx.out.print(`state root: ${ctx.paths.root}`);
        for (const f of findings) {
          const mark = f.level === 'ok' ? style.green('ok   ') : f.level === 'warn' ? style.yellow('warn ') : style.red('error');
          ctx.out.print(`${mark} ${f.check}: ${f.message}`);
          if (f.fix) ctx.out.print(`      fix: ${f.fix}`);
        }
      }
      return healthy ? EXIT.ok : EXIT.failure;
    }));
};
