/** The transport and framing protocol for each kind of link. Only place that knows the kinds apart. */
import type { Logger } from 'pino';
import { characterTimeMs, interFrameGapMs } from '../codec/rtu.js';
import { SerialTransport } from '../transport/serial-transport.js';
import { TcpTransport } from '../transport/tcp-transport.js';
import type { Transport } from '../transport/transport.js';
import type { BusOptions } from './bus-options.js';
import type { LinkProtocol, ProtocolDeps } from './link-protocol.js';
import { RtuProtocol } from './rtu-protocol.js';
import { TcpProtocol } from './tcp-protocol.js';

export function createTransport(options: BusOptions, logger: Logger): Transport {
  const link = options.link;
  if (link.kind === 'rtu') {
    const { path, baudRate, parity, dataBits, stopBits, binding } = link;
    return new SerialTransport(
      binding ? { path, baudRate, parity, dataBits, stopBits, binding, logger } : { path, baudRate, parity, dataBits, stopBits, logger },
    );
  }
  return new TcpTransport(
    options.connectTimeoutMs === undefined
      ? { host: link.host, port: link.port, logger }
      : { host: link.host, port: link.port, connectTimeoutMs: options.connectTimeoutMs, logger },
  );
}

export function createProtocol(options: BusOptions, deps: ProtocolDeps & { onFramingError(error: Error): void }): LinkProtocol {
  const link = options.link;
  if (link.kind === 'tcp') return new TcpProtocol(deps);
  const baudRate = link.baudRate;
  return new RtuProtocol(deps, {
    interFrameGapMs: options.interFrameGapMs ?? (baudRate === undefined ? 0 : interFrameGapMs(baudRate)),
    lateReplyGuardMs: options.lateReplyGuardMs,
    characterTimeMs: baudRate === undefined ? undefined : characterTimeMs(baudRate),
  });
}
