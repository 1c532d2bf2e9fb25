import { execa } from 'execa';

/**
 * Waits until a `receive-pack --stateless-rpc` serving this gate is running (as `ps` shows it),
 * so a test can stop the daemon in the middle of a push. True when seen within ~6 s.
 */
export async function receivePackRunning(gatePath: string): Promise<boolean> {
  for (let i = 0; i < 600; i++) {
    const ps = await execa('ps', ['-ww', '-eo', 'args'], { reject: false });
    if (ps.stdout.split('\n').some((line) => line.includes(' receive-pack --stateless-rpc --end-of-options') && line.endsWith(gatePath))) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}
