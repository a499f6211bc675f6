/**
 * Replies leave in the order their requests came in, even when one of them is held back
 * (a slow device): later replies wait for it, as they would behind a busy PLC. A request
 * that gets no reply takes no place, so it holds nothing up.
 */
export class ReplyQueue {
  private readonly slots: { bytes: Buffer | undefined; filled: boolean }[] = [];

  constructor(private readonly send: (bytes: Buffer) => void) {}

  /** A reply that is ready now. */
  push(bytes: Buffer): void {
    if (this.slots.length === 0) this.send(bytes);
    else this.slots.push({ bytes, filled: true });
  }

  /** Keeps a place for a reply that comes later; call the result with the bytes (or undefined to give the place up). */
  reserve(): (bytes: Buffer | undefined) => void {
    const slot: { bytes: Buffer | undefined; filled: boolean } = { bytes: undefined, filled: false };
    this.slots.push(slot);
    return (bytes) => {
      slot.bytes = bytes;
      slot.filled = true;
      this.flush();
    };
  }

  get waiting(): number {
    return this.slots.length;
  }

  clear(): void {
    this.slots.length = 0;
  }

  private flush(): void {
    while (this.slots[0]?.filled) {
      const { bytes } = this.slots.shift()!;
      if (bytes) this.send(bytes);
    }
  }
}
