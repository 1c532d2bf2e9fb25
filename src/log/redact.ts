// Everything git-gate prints or logs passes through here. Three things are removed: userinfo in
// URLs, secrets registered at run time (tokens, passphrases), and control bytes that could fake
// terminal output (ANSI/OSC escapes in git's stderr or in `remote:` lines).

// Reference-counted: two users of one token (two scopes) must not un-redact it for each other.
const secrets = new Map<string, number>();

/** Secrets shorter than this are not registered: replacing them would mangle ordinary text. */
const MIN_SECRET_LENGTH = 8;

/** Registers a value that must never appear in output; returns a function that forgets it. */
export function registerSecret(value: string): () => void {
  if (value.length < MIN_SECRET_LENGTH) return () => {};
  secrets.set(value, (secrets.get(value) ?? 0) + 1);
  let forgotten = false;
  return () => {
    if (forgotten) return;
    forgotten = true;
    const count = (secrets.get(value) ?? 1) - 1;
    if (count <= 0) secrets.delete(value);
    else secrets.set(value, count);
  };
}

// scheme://user[:password]@host → scheme://***@host. The userinfo runs to the last "@" before a
// "/", whitespace or quote (a password may contain a raw "@"), so a path's "@" is left alone.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/'"]+@/gi;

/** Removes URL userinfo and registered secrets from text. */
export function redactSecrets(text: string): string {
  let out = text.replace(URL_USERINFO, '$1***@');
  // Longest first, so a secret that contains another is never left half-replaced.
  for (const secret of [...secrets.keys()].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join('***');
  }
  return out;
}

/** Escapes control bytes (keeping newline and tab) as \xNN so they cannot drive a terminal. */
export function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Makes untrusted text (git stderr, remote messages) safe to print, log or return to a caller. */
export function sanitize(text: string): string {
  return escapeControl(redactSecrets(text));
}
