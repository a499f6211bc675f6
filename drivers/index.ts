/** The public face of drivers/: what src/ and simulators/ may import. */
export { ModbusBus } from './master/modbus-bus.js';
export type { BusEvents, BusOptions, BusStats, DisconnectReason, LinkKind, LinkOptions, ReconnectOptions, RequestOptions } from './master/bus-options.js';

export type { LinkDown, LinkDownReason, Transport, TransportEvents } from './transport/transport.js';
export { TransportClosedError } from './transport/transport.js';
export { TcpTransport, type TcpTransportOptions } from './transport/tcp-transport.js';
export { SerialTransport, type SerialLineSettings, type SerialTransportOptions } from './transport/serial-transport.js';
export { createSerialPair, PairedPort, PairedSerialBinding, type SerialPair } from './transport/paired-serial-binding.js';
export { TypedEmitter } from './typed-emitter.js';

export { ModbusError, isModbusError, type ModbusErrorContext, type ModbusErrorKind } from './errors.js';

export * from './codec/crc16.js';
export * from './codec/pdu.js';
export * from './codec/mbap.js';
export * from './codec/rtu.js';
export * from './codec/values.js';
