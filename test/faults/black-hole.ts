/**
 * A TCP port that swallows connection attempts, as a powered-off PLC does: no reset, no
 * answer, the client's SYNs are retransmitted until its connect times out. On 127.0.0.1 this
 * is a listening socket that never accepts, its accept queue kept full (Linux then drops new
 * SYNs). Node's own servers always accept, so the listener is a small python3 process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

const LISTENER = `
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(sys.argv[1])))
s.listen(0)
print('listening', flush=True)
time.sleep(3600)
`;

export class BlackHole {
  private constructor(
    private readonly child: ChildProcess,
    private readonly fillers: net.Socket[],
  ) {}

  static async open(port: number): Promise<BlackHole> {
    const child = spawn('python3', ['-c', LISTENER, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`black-hole listener exited with ${code}`)));
      child.stdout!.once('data', () => resolve());
    });
    child.removeAllListeners('exit');
    // One connection fills a backlog of 0; it is accepted by the kernel, never by the process.
    const filler = net.connect({ host: '127.0.0.1', port });
    filler.on('error', () => {});
    await new Promise<void>((resolve) => filler.once('connect', () => resolve()));
    return new BlackHole(child, [filler]);
  }

  async close(): Promise<void> {
    for (const socket of this.fillers) socket.destroy();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}
