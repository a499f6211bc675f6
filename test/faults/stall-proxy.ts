/**
 * A TCP proxy that can go silent without closing anything: what a master sees when the
 * PLC loses power behind a switch, a NAT entry expires, or a cable is cut between two
 * switches. No FIN, no RST: the connection stays "open" and nothing comes back.
 *
 * `stall()`: every connection stops forwarding in both directions, and new connections are
 * accepted but forward nothing either (the far side is unreachable). `heal()`: new
 * connections forward again; the stalled ones stay dead, as a rebooted PLC has forgotten them.
 * `stallAtNextRequest()`: stall the moment the next request arrives from the master (it is
 * swallowed): the peer falls silent mid-poll. `firstSwallowedAt` is when the first request
 * after a stall arrived and got no answer.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

interface Pair {
  client: Socket;
  upstream: Socket;
  dead: boolean;
}

export class StallProxy {
  private readonly server: Server;
  private readonly pairs = new Set<Pair>();
  private stalled = false;
  private stallOnData: ((at: number) => void) | undefined;
  /** performance.now() of the first request swallowed since the last `stall()`. */
  firstSwallowedAt: number | undefined;

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer({ noDelay: true }, (client) => this.accept(client));
  }

  static async start(target: { host: string; port: number }): Promise<StallProxy> {
    const proxy = new StallProxy(target);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  stall(): void {
    this.stalled = true;
    this.firstSwallowedAt = undefined;
    for (const pair of this.pairs) pair.dead = true;
  }

  /** Resolves with the time of the stall: when the next request from the master arrived. */
  stallAtNextRequest(): Promise<number> {
    return new Promise((resolve) => {
      this.stallOnData = (at) => {
        this.stallOnData = undefined;
        this.stall();
        resolve(at);
      };
    });
  }

  heal(): void {
    this.stalled = false;
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const upstream = connect({ ...this.target, noDelay: true });
    const pair: Pair = { client, upstream, dead: this.stalled };
    this.pairs.add(pair);
    client.on('data', (chunk) => {
      const at = performance.now();
      this.stallOnData?.(at);
      if (!pair.dead) upstream.write(chunk);
      else this.firstSwallowedAt ??= at;
    });
    upstream.on('data', (chunk) => pair.dead || client.write(chunk));
    // A live pair passes a close on; a dead one swallows it, like a path that went dark.
    const end = () => {
      if (pair.dead) return;
      client.destroy();
      upstream.destroy();
    };
    client.on('close', () => {
      upstream.destroy();
      this.pairs.delete(pair);
    });
    upstream.on('close', end);
    client.on('error', () => client.destroy());
    upstream.on('error', end);
  }
}
