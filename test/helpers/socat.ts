/** A real pseudo-terminal pair from socat: a serial "cable" between two paths, through the kernel's tty layer. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface PtyPair {
  pathA: string;
  pathB: string;
  process: ChildProcess;
  /** Kill socat (both ttys vanish) and wait for it to exit. */
  kill(): Promise<void>;
}

export function startSocatPair(dir: string): Promise<PtyPair> {
  const pathA = `${dir}/ttyA`;
  const pathB = `${dir}/ttyB`;
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${pathA}`, `pty,raw,echo=0,link=${pathB}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => {
      void kill();
      reject(new Error(`socat did not start: ${stderr}`));
    }, 5000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // With -d -d socat logs "starting data transfer loop" once both links exist.
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('starting data transfer loop')) {
        clearTimeout(timer);
        resolve({ pathA, pathB, process: child, kill });
      }
    });
  });
}
