import { type GlobalConfig, loadGlobalConfig, resolveStateRoot, type StatePaths, statePaths } from '../config/index.js';
import { createLogger, type Logger, silentLogger } from '../log/index.js';
import { Output, wantsColor } from './output.js';

/** The process's streams and environment, injectable for tests. */
export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
}

/** Options every command accepts (`gate --help`). */
export interface GlobalFlags {
  home?: string;
  verbose?: boolean;
  color?: boolean;
  json?: boolean;
}

/** What a command runs with: where state lives, how to print, the global config on demand. */
export class CliContext {
  readonly paths: StatePaths;
  readonly out: Output;
  readonly verbose: boolean;
  readonly io: CliIo;
  /** The command being run, for the --json envelope. */
  readonly commandName: string;
  private globalConfig: Promise<GlobalConfig> | undefined;

  constructor(io: CliIo, flags: GlobalFlags, commandName: string) {
    this.io = io;
    this.commandName = commandName;
    this.paths = statePaths(resolveStateRoot({ home: flags.home, env: io.env }));
    this.verbose = flags.verbose === true;
    this.out = new Output({ json: flags.json === true, color: wantsColor(io.stdout, io.env, flags.color !== false), stdout: io.stdout, stderr: io.stderr });
  }

  /** The global config (loaded once); a broken file fails the command with its line number. */
  global(): Promise<GlobalConfig> {
    this.globalConfig ??= loadGlobalConfig(this.paths);
    return this.globalConfig;
  }

  /** Quiet unless --verbose (debug) or log.level in the global config; always to stderr. */
  logger(global: GlobalConfig): Logger {
    if (this.verbose) return createLogger({ level: 'debug', destination: this.io.stderr });
    if (global.log.level !== null) return createLogger({ level: global.log.level, destination: this.io.stderr });
    return silentLogger();
  }

  /** Both ends are a terminal: a human can be asked. */
  get interactive(): boolean {
    return this.io.stdin.isTTY === true && this.io.stdout.isTTY === true && !this.out.json;
  }
}
