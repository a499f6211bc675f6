import { expect, it } from 'vitest';
import type { ModbusBus } from '../../drivers/master/modbus-bus.js';
import type { RegisterReader } from '../../src/poller/register-reader.js';

// Checked by `tsc --noEmit`: if ModbusBus drifts from the poller's seam, this line stops compiling.
const asReader = (bus: ModbusBus): RegisterReader => bus;

it('the driver bus is usable as the poller’s RegisterReader (type-level check)', () => {
  expect(typeof asReader).toBe('function');
});
