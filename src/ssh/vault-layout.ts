// Where a scope's secrets live inside its vault directory (<stateRoot>/vault/<scope>/).
import path from 'node:path';

/** The private key (OpenSSH format, encrypted when a vault passphrase is configured). */
export function privateKeyPath(vaultDir: string): string {
  return path.join(vaultDir, 'id');
}

/** The public key line, kept beside the private key so listing never needs the passphrase. */
export function publicKeyPath(vaultDir: string): string {
  return path.join(vaultDir, 'id.pub');
}

/** The HTTPS token envelope. */
export function tokenPath(vaultDir: string): string {
  return path.join(vaultDir, 'token');
}

/** The scope a vault directory belongs to (its last path component). */
export function scopeOfVault(vaultDir: string): string {
  return path.basename(path.resolve(vaultDir));
}
