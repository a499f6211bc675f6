/**
 * The folder Pressroom is installed in: the nearest one above this module that holds a
 * package.json. Found from the module's own location, so it is the same whether the service
 * runs from its TypeScript sources (src/…) or compiled (dist/src/…, where tsc copies no
 * package.json), and wherever a module moves. The dashboard build and the embedded default
 * configuration are found from it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function findInstallRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}: is Pressroom installed as a whole?`);
  }
}

export const installRoot: string = findInstallRoot(path.dirname(fileURLToPath(import.meta.url)));
