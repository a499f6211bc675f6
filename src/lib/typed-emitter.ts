/**
 * The typed event emitter the domain services use (poller, presses, alarms, supplies).
 * One implementation serves drivers and services alike: it is a generic utility that knows
 * nothing of Modbus, so this is the one import of `src/domain` from outside itself. A
 * listener that throws stops neither the other listeners nor the emitter's caller; its
 * error goes to `onListenerError`, which services wire to their logger.
 */
export { TypedEmitter, type EventMap } from '../../drivers/typed-emitter.js';
