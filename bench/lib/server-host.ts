/**
 * Child-process entry (see child.ts) hosting the Modbus servers a benchmark talks to: our
 * simulator (`startSimulation`, TCP or RTU over TCP with line timing) or modbus-serial's
 * ServerTCP. Reports its own CPU time and event-loop utilisation so a benchmark can tell
 * whether the server or the client was the bottleneck.
 */
import { createServer, type AddressInfo } from 'node:net';
import mbs from 'modbus-serial';
import { startSimulation, type Simulation } from '../../simulators/simulation.js';
import type { LineTiming } from '../../simulators/rtu-session.js';
import { loadMark, processLoad, serveChild } from './child.js';

const { ServerTCP } = mbs;

export interface SimulationRequest {
  kind: 'tcp' | 'rtu-over-tcp';
  unitIds: number[];
  profile: string;
  lineTiming?: LineTiming;
}

export interface ServerLoad {
  cpuMs: number;
  eventLoopUtilization: number;
}

let simulation: Simulation | undefined;
let reference: InstanceType<typeof ServerTCP> | undefined;
let mark = loadMark();

/** ServerTCP turns port 0 into 502, so find a free port by binding port 0 first. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function stopServers(): Promise<void> {
  await simulation?.close();
  simulation = undefined;
  const server = reference;
  reference = undefined;
  if (server) await new Promise((resolve) => server.close(resolve));
}

serveChild(
  {
    async startSimulation(request: SimulationRequest) {
      await stopServers();
      const presses = request.unitIds.map((unitId) => ({ unitId, profile: request.profile, jamMeanIntervalMs: 0 }));
      const serve = request.kind === 'tcp' ? { kind: 'tcp' as const, port: 0 } : { kind: 'rtu-over-tcp' as const, port: 0, lineTiming: request.lineTiming };
      simulation = await startSimulation({ presses, serve, tickMs: 100 });
      return { port: simulation.address!.port, description: simulation.description };
    },
    async startServerTcp() {
      await stopServers();
      const port = await freePort();
      // The library's fastest form: one callback for the whole block, values computed inline.
      const vector = {
        getHoldingRegister: (address: number) => address & 0xffff,
        getMultipleHoldingRegisters: (address: number, length: number) => Array.from({ length }, (_, i) => (address + i) & 0xffff),
      };
      const server = new ServerTCP(vector, { host: '127.0.0.1', port, unitID: 1 });
      server.on('socketError', () => undefined); // a client closing mid-run is not a failure here
      server.on('error', () => undefined);
      await new Promise<void>((resolve) => server.on('initialized', () => resolve()));
      reference = server;
      return { port };
    },
    markLoad() {
      mark = loadMark();
      return true;
    },
    load(): ServerLoad {
      return processLoad(mark);
    },
    stop: stopServers,
  },
  stopServers,
);
