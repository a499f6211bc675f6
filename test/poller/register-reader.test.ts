import { expectTypeOf, it } from 'vitest';
import type { ModbusBus } from '../../drivers/master/modbus-bus.js';
import type { RegisterReader } from '../../src/poller/register-reader.js';

// Checked at type level (vitest's expectTypeOf fails the type check, which CI runs): if the
// driver's bus drifts from the poller's seam, the poller could no longer be given a real bus.
it('the driver bus is usable as the poller’s RegisterReader: same reads, same answers', () => {
  expectTypeOf<ModbusBus>().toExtend<RegisterReader>();
  expectTypeOf<ModbusBus['readRegisters']>().returns.toEqualTypeOf<Promise<number[]>>();
  expectTypeOf<ModbusBus['readBits']>().returns.toEqualTypeOf<Promise<boolean[]>>();
});
