/**
 * What a valid username, password, PIN and role look like. Shared by the HTTP routes (for
 * 400 answers with details) and the users service (so the first-admin path obeys them too).
 */
import { z } from 'zod';
import { userRoles } from '../model/vocabulary.js';
import { freeText } from '../lib/free-text.js';

export const roleSchema = z.enum(userRoles);

export const usernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, '1–32 letters, digits, dot, dash or underscore, starting with a letter or digit');

export const displayNameSchema = freeText(z.string().trim().min(1, 'must not be empty').max(80));

/** Length is what makes a password strong; no composition rules (NIST SP 800-63B). */
export const PASSWORD_MIN_LENGTH = 8;
export const passwordSchema = z.string().min(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`).max(256);

/**
 * Short on purpose, for gloved hands on a tablet; login throttling is what makes it safe. New
 * PINs need 6 digits (a million guesses, not ten thousand); PINs of 4 or 5 digits set before
 * keep working, since logins check only the hash.
 */
export const PIN_MIN_DIGITS = 6;
export const pinSchema = z.string().regex(/^\d{6,8}$/, `a new PIN needs ${PIN_MIN_DIGITS} to 8 digits`);
