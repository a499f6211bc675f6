/**
 * Why a change to a user was refused:
 * - invalid: the input breaks a rule (short password, PIN not digits …)
 * - conflict: the username is taken
 * - not-found: no user with that id
 * - last-admin: the change would leave no enabled admin, and nobody could manage users again
 */
export type UserErrorKind = 'invalid' | 'conflict' | 'not-found' | 'last-admin';

export class UserError extends Error {
  override name = 'UserError';
  constructor(
    readonly kind: UserErrorKind,
    message: string,
    readonly context: { userId?: number; username?: string; field?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
