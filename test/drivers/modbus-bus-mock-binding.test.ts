/**
 * ModbusBus over serialport's own mock binding (`SerialPortMock.binding`): the test plays
 * the PLC with fixed bytes, so the RTU frames the bus puts on the wire and the values it
 * takes from the answers are checked byte for byte through serialport's real stream code.
 */
import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { ModbusBus } from '../../drivers/master/modbus-bus.js';
import { ModbusError } from '../../drivers/errors.js';

type MockPort = Awaited<ReturnType<typeof SerialPortMock.binding.open>>;

/** The mock binding, with a hook on each frame the bus writes so the test can answer it. */
function answeringBinding(answer: (frame: Buffer, port: MockPort) => void): BindingInterface {
  const mock = SerialPortMock.binding;
  return {
    list: () => mock.list(),
    async open(options) {
      const port = await mock.open(options);
      const write = port.write.bind(port);
      port.write = async (buffer: Buffer) => {
        await write(buffer);
        setImmediate(() => answer(Buffer.from(buffer), port));
      };
      return port;
    },
  } as BindingInterface;
}

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
let bus: ModbusBus | undefined;

afterEach(async () => {
  await bus?.stop();
  bus = undefined;
  SerialPortMock.binding.reset();
});

async function startBus(binding: BindingInterface, timeoutMs = 100): Promise<ModbusBus> {
  SerialPortMock.binding.createPort('/dev/ttyMOCK0', { record: true });
  bus = new ModbusBus({
    id: 'mock-line',
    link: { kind: 'rtu', path: '/dev/ttyMOCK0', baudRate: 19200, parity: 'even', dataBits: 8, stopBits: 1, binding },
    timeoutMs,
    retries: 0,
  });
  const connected = new Promise<void>((resolve) => bus!.once('connected', resolve));
  bus.start();
  await connected;
  return bus;
}

describe('ModbusBus on the serialport mock binding', () => {
  it('sends the exact RTU request and decodes the exact reply (read holding 0..1 of unit 1)', async () => {
    const written: Buffer[] = [];
    const b = await startBus(
      answeringBinding((frame, port) => {
        written.push(frame);
        // 01 03 04 | 00 2A | 01 00 | DA 6B (CRC, low byte first): registers 42 and 256
        port.emitData(hex('01 03 04 00 2A 01 00 DA 6B'));
      }),
    );
    await expect(b.readRegisters(1, 'holding', 0, 2)).resolves.toEqual([42, 256]);
    expect(written).toEqual([hex('01 03 00 00 00 02 C4 0B')]);
  });

  it('takes a reply that arrives in pieces', async () => {
    const b = await startBus(
      answeringBinding((_frame, port) => {
        port.emitData(hex('01 03'));
        setTimeout(() => port.emitData(hex('04 00 2A 01')), 2);
        setTimeout(() => port.emitData(hex('00 DA 6B')), 4);
      }),
    );
    await expect(b.readRegisters(1, 'holding', 0, 2)).resolves.toEqual([42, 256]);
  });

  it('reports a Modbus exception with its code, bus, unit and address', async () => {
    const b = await startBus(answeringBinding((_frame, port) => port.emitData(hex('01 83 02 C0 F1'))));
    const error = await b.readRegisters(1, 'holding', 0, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModbusError);
    expect(error).toMatchObject({ kind: 'exception', exceptionCode: 2, bus: 'mock-line', unitId: 1, address: 0 });
  });

  it('never takes a frame with a bad CRC as the answer', async () => {
    const b = await startBus(answeringBinding((_frame, port) => port.emitData(hex('01 03 04 00 2A 01 00 DA 6A'))));
    const error = await b.readRegisters(1, 'holding', 0, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModbusError);
    expect(['crc', 'timeout']).toContain((error as ModbusError).kind);
  });

  it('times out when the device stays silent', async () => {
    const b = await startBus(
      answeringBinding(() => undefined),
      50,
    );
    const started = performance.now();
    const error = await b.readRegisters(1, 'holding', 0, 2).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout', unitId: 1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });
});
