import { describe, expect, it } from 'vitest';
import { PasswordHashError, hashSecret, verifySecret } from '../../src/users/password-hash.js';

describe('secret hashing', () => {
  it('uses scrypt with N=16384 r=8 p=1 and a fresh salt each time', async () => {
    const a = await hashSecret('4821');
    const b = await hashSecret('4821');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('4821');
  });

  it('verifies the right secret and only it', async () => {
    const stored = await hashSecret('correct horse battery');
    expect(await verifySecret('correct horse battery', stored)).toBe(true);
    expect(await verifySecret('correct horse batterY', stored)).toBe(false);
    expect(await verifySecret('', stored)).toBe(false);
  });

  it('treats the same text in composed and decomposed Unicode as one password', async () => {
    const stored = await hashSecret('Drucker\u00e9');
    expect(await verifySecret('Druckere\u0301', stored)).toBe(true);
  });

  it('reports a damaged stored hash as an error, not as a wrong password', async () => {
    await expect(verifySecret('x', 'md5$abc')).rejects.toThrow(PasswordHashError);
    await expect(verifySecret('x', 'scrypt$1099511627776$8$1$c2FsdA$a2V5')).rejects.toThrow(PasswordHashError);
  });
});
