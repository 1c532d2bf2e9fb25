import { GateError } from '../../errors/index.js';
import type { CliContext } from '../context.js';
import { confirm } from '../prompt.js';

/**
 * Consent for a step that changes trust or removes a credential: --yes, or "y" at a [y/N]
 * prompt on a terminal. Without a terminal (and in --json mode, which never prompts) --yes is
 * required, so a script cannot change trust by accident. Throws when consent is not given.
 * `what` names the step ("removing the deploy key of webapp"); `command` is the command line to
 * repeat ("gate ssh remove webapp").
 */
export async function requireConsent(ctx: CliContext, step: { what: string; question: string; command: string; yes: boolean | undefined }): Promise<void> {
  const { what, question, command, yes } = step;
  if (yes === true) return;
  if (!ctx.interactive) {
    throw new GateError('GATE_CONFIRMATION_REQUIRED', `${what} needs confirmation and there is no terminal to ask on; nothing was changed`, {
      fix: `Check what is shown above, then run \`${command} --yes\`.`,
    });
  }
  if (!(await confirm(ctx.io, question))) {
    throw new GateError('GATE_CONFIRMATION_REQUIRED', `${what} was not confirmed; nothing was changed`, { fix: `Run \`${command}\` again and answer y, or add --yes.` });
  }
}
