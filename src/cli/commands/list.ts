import { listProjectNames, loadProject, projectFile } from '../../config/index.js';
import { isGateError } from '../../errors/index.js';
import type { CommandDefinition } from '../app.js';
import { EXIT } from '../exit-codes.js';
import { table } from '../format/text.js';

/** `gate list`: every project, including ones whose file does not load (with the reason). */
export const defineList: CommandDefinition = (program, app) => {
  program
    .command('list')
    .summary('list projects')
    .option('--json', 'print JSON')
    .action(app.action<{ json?: boolean }>(async (ctx) => {
      const names = await listProjectNames(ctx.paths);
      const projects = await Promise.all(names.map(async (name) => {
        try {
          const project = await loadProject(ctx.paths, name);
          return { name, mode: project.mode, upstreamUrl: project.upstream?.url ?? null, file: project.file, gatePath: project.gate.path, error: null };
        } catch (error) {
          if (!isGateError(error)) throw error;
          return { name, mode: null, upstreamUrl: null, file: projectFile(ctx.paths, name), gatePath: null, error: { code: error.code, message: error.message } };
        }
      }));
      if (ctx.out.json) ctx.out.emit('list', { projects });
      else if (projects.length === 0) ctx.out.print(`no projects in ${ctx.paths.root}; create one with \`gate init <project> --upstream URL\``);
      else {
        const rows = projects.map((p) => [p.name, p.mode ?? ctx.out.style.red('invalid'), p.error ? `${p.error.code}: ${p.error.message}` : p.upstreamUrl ?? '(no upstream)']);
        for (const line of table([['PROJECT', 'MODE', 'UPSTREAM'], ...rows])) ctx.out.print(line);
      }
      return EXIT.ok;
    }));
};
