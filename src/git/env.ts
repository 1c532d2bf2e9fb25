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

// What git-gate's own code may add: the ssh command and the variables it expands (GIT_GATE_*),
// the operator's agent in personal mode, the protocol a client asked for, and the quarantine
// variables git itself hands to a hook. Never a way to undo the isolation above.
const EXTRA_ALLOWED = /^(GIT_GATE_[A-Z0-9_]+|GIT_SSH_COMMAND|SSH_AUTH_SOCK|GIT_PROTOCOL|GIT_TRACE2_EVENT|GIT_OBJECT_DIRECTORY|GIT_ALTERNATE_OBJECT_DIRECTORIES|GIT_QUARANTINE_PATH)$/;

// Trust anchors for HTTPS upstreams, taken from the operator's environment: they choose which
// certificate authorities to trust and run no code (GIT_SSL_NO_VERIFY and proxies stay out).
// OpenSSL's own variables pass as they are; git's become config (see trustAnchorConfig).
const PASSED_THROUGH = ['SSL_CERT_FILE', 'SSL_CERT_DIR'];

/**
 * The operator's GIT_SSL_CAINFO / GIT_SSL_CAPATH as `-c http.sslCAInfo=…` / `http.sslCAPath=…`.
 * As variables they would outrank every config, including a call's own; as config given before a
 * call's own, the call still decides.
 */
export function trustAnchorConfig(): string[] {
  const config: string[] = [];
  const caInfo = process.env['GIT_SSL_CAINFO'];
  const caPath = process.env['GIT_SSL_CAPATH'];
  if (caInfo !== undefined && caInfo !== '') config.push(`http.sslCAInfo=${caInfo}`);
  if (caPath !== undefined && caPath !== '') config.push(`http.sslCAPath=${caPath}`);
  return config;
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
  for (const name of PASSED_THROUGH) {
    const value = process.env[name];
    if (value !== undefined && value !== '') env[name] = value;
  }
  for (const [name, value] of Object.entries(input.extra ?? {})) {
    if (!EXTRA_ALLOWED.test(name)) throw new Error(`git-gate bug: ${name} may not be set in git's environment`);
    env[name] = value;
  }
  return env;
}
