// Runs one GitGate sync in its own process (for multi-process tests). argv[2]: JSON options.
// Uses the built package, as another process on the host would.
import { GitGate } from '../../dist/index.js';

const options = JSON.parse(process.argv[2]);
const gate = new GitGate(options);
const result = await gate.sync();
process.stdout.write(JSON.stringify(result));
