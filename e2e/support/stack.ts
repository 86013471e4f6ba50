import { execFileSync } from 'node:child_process';
import path from 'node:path';

// Drives the real local mail stack that scripts/test.mjs started, for fault tests.
const instance = process.env.SEALPOST_STACK_INSTANCE ?? 'test';
const devstack = path.resolve(__dirname, '../../scripts/devstack.mjs');

export type StackService = 'dovecot' | 'smtp' | 'ldap' | 'pki-http' | 'ocsp';

export function stopService(service: StackService): void {
  execFileSync(process.execPath, [devstack, 'stop', '--instance', instance, '--only', service], { stdio: 'pipe' });
}

/** Starts whatever part of the stack is not running (the stack's start is idempotent). */
export function restartStack(): void {
  execFileSync(process.execPath, [devstack, 'start', '--instance', instance, '--no-seed'], { stdio: 'pipe' });
}
