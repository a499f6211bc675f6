/** Test helpers: raw sockets speaking exact bytes, profiles, socat pty pairs. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveProfile } from '../../simulators/simulation.js';

export const profile4c = resolveProfile('demo-sheetfed-4c');
export const profile5c = resolveProfile('demo-sheetfed-5c');

export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

/** A raw TCP client that collects every byte it receives. */
export class RawClient {
  received = Buffer.alloc(0);
  closed = false;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
    socket.on('error', () => undefined); // a dropped connection is what some tests want; 'close' reports it
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves with the first `count` bytes received since the last take, or rejects after `timeoutMs`. */
  async take(count: number, timeoutMs = 2000): Promise<Buffer> {
    await this.until(() => this.received.length >= count, timeoutMs, `${count} bytes (have ${this.received.length})`);
    const bytes = this.received.subarray(0, count);
    this.received = this.received.subarray(count);
    return Buffer.from(bytes);
  }

  async untilClosed(timeoutMs = 2000): Promise<void> {
    await this.until(() => this.closed, timeoutMs, 'the connection to close');
  }

  /** Nothing arrives for `ms`: the only way to observe a silent device is to wait. */
  async expectSilence(ms: number): Promise<Buffer> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.received;
  }

  close(): void {
    this.socket.destroy();
  }

  private until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const check = (): void => {
        if (!done()) return void this.waiters.push(check);
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

/** A socat pty pair: `a` for the master, `b` for the simulator. */
export async function startPtyPair(): Promise<{ a: string; b: string; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'pressroom-pty-'));
  const a = join(dir, 'ttyA');
  const b = join(dir, 'ttyB');
  const socat: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    socat.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      // socat logs "starting data transfer loop" once both ptys exist.
      if (log.includes('starting data transfer loop') && existsSync(a) && existsSync(b)) resolve();
    });
    socat.once('exit', (code) => reject(new Error(`socat exited with ${code}: ${log}`)));
    socat.once('error', reject);
  });
  return { a, b, stop: () => socat.kill() };
}
