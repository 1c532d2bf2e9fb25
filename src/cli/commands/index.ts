// The command registry: one module per command. A new command is one file plus one line here.
import type { CommandDefinition } from '../app.js';
import { defineApply } from './apply.js';
import { defineBackups } from './backups.js';
import { defineDoctor } from './doctor.js';
import { defineInit } from './init.js';
import { defineList } from './list.js';
import { defineMaintain } from './maintain.js';
import { definePath } from './path.js';
import { definePending } from './pending.js';
import { definePlan } from './plan.js';
import { defineProbe } from './probe.js';
import { defineServe } from './serve.js';
import { defineStatus } from './status.js';
import { defineSsh } from './ssh.js';
import { defineSshInit } from './ssh-init.js';
import { defineSync } from './sync.js';
import { defineToken } from './token.js';
import { defineTrustHost } from './trust-host.js';

export const COMMANDS: readonly CommandDefinition[] = [
  defineInit, defineSync, definePlan, definePending, defineApply, defineStatus, defineBackups, defineProbe, definePath, defineList, defineDoctor, defineMaintain,
  defineSshInit, defineSsh, defineTrustHost, defineToken, defineServe,
];
