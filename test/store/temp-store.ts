import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp folder per test; removed after, even if a test left files immutable. */
export function makeTempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pressroom-store-'));
  return {
    dir,
    cleanup: () => {
      clearImmutable(dir);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function setImmutable(target: string): void {
  execFileSync('chattr', ['+i', target]);
}

function clearImmutable(dir: string): void {
  if (!immutableSupported) return;
  for (const name of [dir, ...fs.readdirSync(dir).map((entry) => path.join(dir, entry))]) {
    execFileSync('chattr', ['-i', name]);
  }
}

/**
 * We run as root, and root ignores file modes (chmod 444 does not stop it writing). The
 * immutable attribute (chattr +i) does stop root, at the kernel, like a read-only mount does:
 * probe once whether this file system honours it.
 */
function probeImmutable(): boolean {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pressroom-probe-'));
  const file = path.join(dir, 'probe');
  fs.writeFileSync(file, 'x');
  try {
    execFileSync('chattr', ['+i', file], { stdio: 'ignore' });
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    return false; // no chattr, or the file system has no immutable attribute
  }
  let refused = false;
  try {
    fs.appendFileSync(file, 'y');
  } catch {
    refused = true;
  }
  execFileSync('chattr', ['-i', file]);
  fs.rmSync(dir, { recursive: true, force: true });
  return refused;
}

export const immutableSupported = probeImmutable();
