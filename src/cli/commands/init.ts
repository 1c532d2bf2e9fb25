import { Option } from 'commander';
import { GateError } from '../../errors/index.js';
import { createProjectFile, PROJECT_MODES, type ProjectMode } from '../../config/index.js';
import type { CommandDefinition } from '../app.js';
import { EXIT } from '../exit-codes.js';

interface InitOptions {
  upstream?: string;
  mode?: ProjectMode;
  defaultBranch?: string;
  allowLocal?: boolean;
  force?: boolean;
  json?: boolean;
}

/** `gate init <project>`: writes projects/<project>.yaml after validating it. */
export const defineInit: CommandDefinition = (program, app) => {
  program
    .command('init')
    .summary('create a project file')
    .description('Create projects/<project>.yaml. Without --upstream the project is remoteless.')
    .argument('<project>', 'project name: lowercase letters, digits, ".", "_", "-"')
    .option('--upstream <url>', 'upstream URL (https://…, ssh://…, user@host:path; a local path needs --allow-local)')
    .addOption(new Option('--mode <mode>', 'gatekeeping, online or remoteless (default: gatekeeping with an upstream, else remoteless)').choices(PROJECT_MODES))
    .option('--default-branch <branch>', 'the branch HEAD names when upstream does not say')
    .option('--allow-local', 'permit a local path or file:// upstream (it is only read)')
    .option('--force', 'overwrite an existing project file')
    .option('--json', 'print JSON')
    .action(app.action<InitOptions>(async (ctx, [name], options) => {
      if (options.upstream === undefined && (options.defaultBranch !== undefined || options.allowLocal)) {
        throw new GateError('GATE_USAGE', '--default-branch and --allow-local need --upstream', { fix: `Add --upstream URL, or drop those options for a remoteless project.` });
      }
      const project = await createProjectFile(ctx.paths, {
        name: name!, mode: options.mode, upstreamUrl: options.upstream, defaultBranch: options.defaultBranch, allowLocal: options.allowLocal,
      }, { force: options.force === true });
      const summary = { name: project.name, mode: project.mode, file: project.file, gatePath: project.gate.path, upstreamUrl: project.upstream?.url ?? null };
      if (ctx.out.json) ctx.out.emit('init', { project: summary });
      else {
        ctx.out.print(`created project ${project.name} (${project.mode}) in ${project.file}`);
        ctx.out.print(`next: gate sync ${project.name}`);
      }
      return EXIT.ok;
    }));
};
