/**
 * The first admin. On a first start (no users at all) an `admin` account is created with
 * PRESSROOM_ADMIN_PASSWORD, or with a generated password printed once for the person
 * installing the box. There is no built-in default password anywhere. Once any user exists
 * this does nothing, whatever the environment says.
 */
import { randomBytes } from 'node:crypto';
import { UserError } from './user-errors.js';
import type { UserService } from './user-service.js';

export const ADMIN_PASSWORD_ENV = 'PRESSROOM_ADMIN_PASSWORD';
export const FIRST_ADMIN_USERNAME = 'admin';

export interface BootstrapAdminRequest {
  env: Record<string, string | undefined>;
  /** Where the one-time message goes: stdout in the service, a spy in tests. */
  print: (line: string) => void;
}

export type BootstrapAdminResult =
  | { created: false }
  | { created: true; username: string; passwordSource: 'env' }
  | { created: true; username: string; passwordSource: 'generated'; generatedPassword: string };

export class BootstrapError extends Error {
  override name = 'BootstrapError';
}

/** 18 random bytes: 24 base64url characters, 144 bits, easy to copy from a terminal. */
export function generateAdminPassword(): string {
  return randomBytes(18).toString('base64url');
}

export async function bootstrapAdmin(users: UserService, request: BootstrapAdminRequest): Promise<BootstrapAdminResult> {
  if (users.count() > 0) return { created: false };
  const fromEnv = request.env[ADMIN_PASSWORD_ENV];
  const system = { userId: null, username: null, ip: null };
  if (fromEnv !== undefined && fromEnv !== '') {
    try {
      await users.create({ username: FIRST_ADMIN_USERNAME, displayName: 'Administrator', role: 'admin', password: fromEnv }, system);
    } catch (error) {
      if (error instanceof UserError && error.kind === 'invalid') {
        throw new BootstrapError(`${ADMIN_PASSWORD_ENV} is not accepted as the first admin's password (${error.message})`, { cause: error });
      }
      throw error;
    }
    request.print(`Created the first user "${FIRST_ADMIN_USERNAME}" (role admin) with the password from ${ADMIN_PASSWORD_ENV}.`);
    return { created: true, username: FIRST_ADMIN_USERNAME, passwordSource: 'env' };
  }
  const generatedPassword = generateAdminPassword();
  await users.create({ username: FIRST_ADMIN_USERNAME, displayName: 'Administrator', role: 'admin', password: generatedPassword }, system);
  request.print(
    [
      `Created the first user "${FIRST_ADMIN_USERNAME}" (role admin) with this generated password, shown only this once:`,
      `    ${generatedPassword}`,
      'Log in and change it under Users, or set PRESSROOM_ADMIN_PASSWORD before the first start next time.',
    ].join('\n'),
  );
  return { created: true, username: FIRST_ADMIN_USERNAME, passwordSource: 'generated', generatedPassword };
}
