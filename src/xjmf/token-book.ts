/**
 * The XJMF tokens (`xjmf.tokens`) and the two ways a MIS may present one: the HTTP header
 * `Authorization: Bearer <token>`, or in the envelope's own Header as its agent name plus the
 * token in an attribute of another namespace, the schema's way to carry an extension:
 * `<Header AgentName="prinect-mis" pr:Token="…" xmlns:pr="urn:pressroom" …/>`. Compared by
 * their SHA-256, in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export class TokenBook {
  private readonly tokens: { name: string; hash: Buffer }[];

  constructor(tokens: readonly { name: string; token: string }[]) {
    this.tokens = tokens.map((t) => ({ name: t.name, hash: sha256(t.token) }));
  }

  /** The name of the token in `Authorization: Bearer …`, or null. */
  fromAuthorization(header: string | undefined): string | null {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return match ? this.match(match[1]!) : null;
  }

  /** The name when `agentName` is the name of the token given, else null. */
  fromHeader(agentName: string | undefined, token: string | undefined): string | null {
    if (agentName === undefined || token === undefined) return null;
    const name = this.match(token);
    return name === agentName ? name : null;
  }

  private match(token: string): string | null {
    const offered = sha256(token);
    let found: string | null = null;
    for (const t of this.tokens) if (timingSafeEqual(t.hash, offered)) found = t.name;
    return found;
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
