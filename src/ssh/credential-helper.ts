// The HTTPS credential helper git runs: one constant shell snippet. The token, user name and
// the one protocol and host it may be sent to come from the environment, so nothing secret or
// variable is ever in argv or in a string handed to sh. It answers `get` only when git asks for
// exactly the upstream's protocol and host[:port]; anything else (a redirect target, another
// port) gets no answer. printf and test are sh builtins: the token is in no process's argv.

/** Environment variables the helper reads. */
export const CREDENTIAL_ENV = {
  token: 'GIT_GATE_CRED_TOKEN',
  username: 'GIT_GATE_CRED_USERNAME',
  protocol: 'GIT_GATE_CRED_PROTOCOL',
  host: 'GIT_GATE_CRED_HOST',
} as const;

/** The helper, as the value of `credential.helper` ("!" = run with sh). */
export const CREDENTIAL_HELPER =
  '!f() { test "$1" = get || exit 0; p=; h=; ' +
  'while IFS= read -r l; do case "$l" in protocol=*) p="${l#protocol=}";; host=*) h="${l#host=}";; esac; done; ' +
  `if test -n "$${CREDENTIAL_ENV.token}" && test "$p" = "$${CREDENTIAL_ENV.protocol}" && test "$h" = "$${CREDENTIAL_ENV.host}"; ` +
  `then printf 'username=%s\\npassword=%s\\n' "$${CREDENTIAL_ENV.username}" "$${CREDENTIAL_ENV.token}"; fi; }; f`;

/** `-c` pairs for an HTTPS upstream with a token: reset inherited helpers, then only ours. */
export const CREDENTIAL_CONFIG: readonly string[] = ['credential.helper=', `credential.helper=${CREDENTIAL_HELPER}`, 'credential.useHttpPath=false'];

/** The host value git sends for a URL: its authority exactly as written (with a port if any). */
export function credentialHostOf(url: string): string {
  const match = /^https:\/\/([^/?#]+)/.exec(url);
  if (!match) throw new TypeError('not an https URL');
  return match[1]!;
}
