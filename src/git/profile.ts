// Command-line config is the one layer a repository's own config cannot override, so every
// host-side git call starts with these. Serving-side settings (upload-pack spawned by a local
// clone) do not inherit them: those go to the serving process separately.

/** `-c key=value` pairs given to every host-side git call. */
export const HARDENING_CONFIG: readonly string[] = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'core.askPass=',
  'core.sshCommand=',
  'safe.bareRepository=explicit',
  'transfer.fsckObjects=true',
  // More specific than transfer.*, so a repository could otherwise switch fsck off for fetches.
  'fetch.fsckObjects=true',
  'receive.fsckObjects=true',
  'transfer.credentialsInUrl=die',
  'http.followRedirects=false',
  'submodule.recurse=false',
  'fetch.recurseSubmodules=false',
  'gc.auto=0',
  'maintenance.auto=false',
  'core.protectNTFS=true',
  'core.protectHFS=true',
  'log.mailmap=false',
  'protocol.allow=never',
  // An empty value resets the helper list, so no inherited helper (e.g. `store`) ever runs.
  'credential.helper=',
  'uploadpack.allowAnySHA1InWant=false',
  'advice.detachedHead=false',
  'init.defaultBranch=main',
  // git-gate names objects by full id and refs by full name. With the warning on, git looks each
  // 40-hex value up as a ref name in eight places first: 16 stats per line of an update-ref
  // transaction, a quarter of the time of a 1,000-branch sync.
  'core.warnAmbiguousRefs=false',
];

/** The argv prefix that applies the profile. */
export function hardeningArgs(extra: readonly string[] = []): string[] {
  const args: string[] = [];
  for (const pair of [...HARDENING_CONFIG, ...extra]) args.push('-c', pair);
  return args;
}

/**
 * Config scoped to the exact upstream URL. git lets the most specific URL match win, so a
 * repository's `http.<url>.followRedirects=true` would beat the plain command-line setting;
 * the exact URL on the command line is at least as specific and is read last.
 */
export function urlScopedHardening(url: string): string[] {
  if (!/^https?:\/\//.test(url)) return [];
  return [`http.${url}.followRedirects=false`];
}
