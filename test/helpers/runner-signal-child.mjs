// Starts a (fake) git through the runner, prints "ready", and waits for a signal.
// argv[2]: git path. With argv[3] === 'handled', the process installs its own SIGTERM handler.
import { GitRunner } from '../../dist/git/index.js';

if (process.argv[3] === 'handled') process.on('SIGTERM', () => process.stdout.write('handled\n'));
void new GitRunner({ gitPath: process.argv[2] }).run(['fetch']).catch(() => {});
setTimeout(() => process.stdout.write('ready\n'), 300);
setInterval(() => {}, 1000);
