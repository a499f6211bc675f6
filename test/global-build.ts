/**
 * Before any test file: the compiled service in dist/ is brought up to date with the sources
 * (nothing happens when it is), since the tests start the service as `npm start` runs it.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  execFileSync(process.execPath, [path.join(root, '.ci/ensure-built.mjs'), 'service'], { cwd: root, stdio: 'inherit', timeout: 170_000 });
}
