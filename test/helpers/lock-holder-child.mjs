// Takes a gate lock, starts a (fake) git through a runner that records its children in the lock,
// prints "ready", and waits to be killed. argv[2]: lock path, argv[3]: git path.
import { acquireGateLock } from '../../dist/gate/lock.js';
import { GitRunner } from '../../dist/git/index.js';
import { silentLogger } from '../../dist/index.js';

const lock = await acquireGateLock(process.argv[2], { logger: silentLogger() });
const runner = new GitRunner({ gitPath: process.argv[3], onSpawn: (pid) => lock.trackChild(pid), onExit: (pid) => lock.untrackChild(pid) });
void runner.run(['fetch']).catch(() => {});
setTimeout(() => process.stdout.write('ready\n'), 300);
setInterval(() => {}, 1000);
