import path from 'node:path';
import { loadProject } from '../../config/index.js';
import type { CommandDefinition } from '../app.js';
import { EXIT } from '../exit-codes.js';

/** `gate path <project>`: the gate's directory, alone on a line (for `cd "$(gate path x)"`). */
export const definePath: CommandDefinition = (program, app) => {
  program
    .command('path')
    .summary("print a project's gate path")
    .argument('<project>', 'project name')
    .option('--json', 'print JSON')
    .action(app.action<{ json?: boolean }>(async (ctx, [name]) => {
      const global = await ctx.global();
      const project = await loadProject(ctx.paths, name!);
      const cacheEnabled = project.cache.enabled ?? global.defaults.cache.enabled;
      if (ctx.out.json) {
        ctx.out.emit('path', { project: project.name, gatePath: project.gate.path, projectFile: project.file, cachePath: cacheEnabled ? path.join(ctx.paths.cacheDir, project.name) : null });
      } else ctx.out.print(project.gate.path);
      return EXIT.ok;
    }));
};
