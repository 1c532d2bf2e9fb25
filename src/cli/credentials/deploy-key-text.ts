// The words shown with a deploy key: the same advice from ssh-init and ssh import.

/** Where to register the key upstream, and that it must stay read-only. */
export function registerAdvice(project: string): string[] {
  return [
    'Register this public key upstream as a read-only deploy key (GitHub: Settings → Deploy keys → Add deploy key,',
    `leave "Allow write access" off; GitLab: Settings → Repository → Deploy keys), then pin the host: gate trust-host ${project}`,
  ];
}
