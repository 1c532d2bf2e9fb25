// git's environment is built from empty: inherited variables such as GIT_CONFIG_PARAMETERS,
// GIT_DIR, GIT_SSH, XDG_CONFIG_HOME or proxy settings each changed what git did, or ran a command.

/** Inputs to git's environment; nothing else is passed through. */
export interface GitEnvInput {
  /** A private, empty home directory (git and ssh helpers look for dotfiles there). */
  home: string;
  /** Schemes git may use for transport (GIT_ALLOW_PROTOCOL); empty allows none. */
  allowProtocols?: readonly string[];
  /** Extra variables from git-gate's own code (ssh command, agent socket); never user input. */
  extra?: Readonly<Record<string, string>>;
  /** PATH to search for git and ssh; defaults to the current PATH. */
  path?: string;
}

/** Builds the environment for one git process. */
export function buildGitEnv(input: GitEnvInput): Record<string, string> {
  const env: Record<string, string> = {
    PATH: input.path ?? process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: input.home,
    XDG_CONFIG_HOME: `${input.home}/.config`,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_NO_LAZY_FETCH: '1',
    GIT_ALLOW_PROTOCOL: (input.allowProtocols ?? []).join(':'),
    // ssh must never be reached unless the credentials layer sets a vetted command.
    GIT_SSH_COMMAND: 'false',
    GIT_ASKPASS: 'false',
    SSH_ASKPASS: 'false',
    LC_ALL: 'C',
    LANG: 'C',
    TZ: 'UTC',
  };
  return { ...env, ...input.extra };
}
