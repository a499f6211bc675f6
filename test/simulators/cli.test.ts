import { spawn } from 'node:child_process';
import { once } from 'node:events';
import mbs from 'modbus-serial';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../../simulators/cli-args.js';
import { CommandError, runCommand } from '../../simulators/cli-commands.js';
import { startSimulation, type Simulation } from '../../simulators/simulation.js';

const ModbusRTU = mbs.default;

describe('simulator CLI options', () => {
  it('builds presses, link and faults from the options', () => {
    const { simulation } = parseCli([
      '--presses',
      '3',
      '--profile',
      'demo-sheetfed-5c',
      '--serve',
      'rtu-over-tcp',
      '--port',
      '0',
      '--line-timing',
      '--baud',
      '9600',
      '--jam-interval',
      '60',
      '--fault',
      'silent=0.5,delayMs=20',
    ]);
    expect(simulation.presses.map((p) => [p.unitId, p.profile, p.jamMeanIntervalMs])).toEqual([
      [1, 'demo-sheetfed-5c', 60_000],
      [2, 'demo-sheetfed-5c', 60_000],
      [3, 'demo-sheetfed-5c', 60_000],
    ]);
    expect(simulation.serve).toEqual({ kind: 'rtu-over-tcp', host: '127.0.0.1', port: 0, lineTiming: { baudRate: 9600, turnaroundMs: 0 } });
    expect(simulation.faults).toEqual({ silent: 0.5, delayMs: 20 });
    expect(parseCli(['--press', '7:demo-sheetfed-4c', '--press', '9:demo-sheetfed-5c']).simulation.presses.map((p) => p.unitId)).toEqual([7, 9]);
  });

  it('says which option is wrong and what it accepts', () => {
    expect(() => parseCli(['--serve', 'udp'])).toThrow(new UsageError('--serve: expected tcp, rtu or rtu-over-tcp, got "udp"'));
    expect(() => parseCli(['--serve', 'rtu'])).toThrow(/--serve rtu needs --path/);
    expect(() => parseCli(['--port', '70000'])).toThrow(/--port: expected a TCP port/);
    expect(() => parseCli(['--press', '300:demo-sheetfed-4c'])).toThrow(/unit id 1..247/);
    expect(() => parseCli(['--fault', 'smoke=1'])).toThrow(/unknown fault "smoke"/);
    expect(() => parseCli(['--frobnicate'])).toThrow(UsageError);
  });
});

describe('simulator CLI commands', () => {
  let sim: Simulation | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('steer the presses and the faults', async () => {
    sim = await startSimulation({ presses: [{ unitId: 1, profile: 'demo-sheetfed-4c', initial: { ink: 20 } }], serve: { kind: 'tcp', port: 0 }, tickMs: 0 });
    expect(runCommand(sim, 'jam 1 jam.feeder')).toBe('unit 1: jam jam.feeder');
    expect(runCommand(sim, 'status 1')).toMatch(/stopped \(jam\)[\s\S]*alarms jam.feeder/);
    runCommand(sim, 'clear 1');
    expect(runCommand(sim, 'refill 1 ink 3 95')).toBe('unit 1: ink 3 refilled to 95%');
    expect(sim.press(1).model.inkLevel(3)).toBe(95);
    runCommand(sim, 'fault 1 silent on');
    expect(sim.press(1).faults.current).toEqual({ silent: 1 });
    runCommand(sim, 'fault 1 clear');
    expect(sim.press(1).faults.active).toBe(false);
    expect(() => runCommand(sim!, 'refill 1 ink 9')).toThrow(new CommandError('no printing unit 9; units: 1, 2, 3, 4'));
    expect(() => runCommand(sim!, 'fault 1 silent 3')).toThrow(/probability/);
    expect(() => runCommand(sim!, 'jam 4')).toThrow(/no simulated press with unit id 4/);
    expect(() => runCommand(sim!, 'dance')).toThrow(/unknown command "dance"/);
  });

  it('play the production scenarios: a late jam bit, stops with and without a reason, a new job, a counter glitch', async () => {
    sim = await startSimulation({
      presses: [{ unitId: 1, profile: 'demo-sheetfed-4c', initial: { phase: 'production', paper: 100 } }],
      serve: { kind: 'tcp', port: 0 },
      tickMs: 0,
    });
    const model = sim.press(1).model;
    expect(runCommand(sim, 'jam 1 jam.feeder 1500')).toBe('unit 1: jam jam.feeder, its bit 1500 ms after the stop');
    expect([model.runState, model.plcStopReason, model.isAlarmActive('jam.feeder')]).toEqual(['stopped', 'fault', false]);
    model.advance(1500);
    expect(model.isAlarmActive('jam.feeder')).toBe(true);
    runCommand(sim, 'clear 1');
    expect(runCommand(sim, 'stop 1 none')).toBe('unit 1: stopped by the operator (state code: none)');
    expect(model.plcStopReason).toBeUndefined();
    expect(runCommand(sim, 'job 1 500')).toBe('unit 1: next job of 500 good sheets, counters reset');
    expect([model.runState, model.counter('total')]).toEqual(['setup', 0]);
    runCommand(sim, 'glitch 1 1000');
    expect(model.counter('total')).toBe(4_294_967_290);
    expect(() => runCommand(sim!, 'stop 1 tea')).toThrow(/stop UNIT \[jam\|/);
  });

  it('runs as a process: prints where it listens, takes commands on stdin, quits', async () => {
    const child = spawn('npx', ['tsx', 'simulators/cli.ts', '--port', '0', '--presses', '2'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    const listening = new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /Modbus TCP on 127\.0\.0\.1:(\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`simulator exited with ${code}: ${output}`)));
    });
    const port = await listening;
    child.stdin.write('estop 2\n');
    await expect.poll(() => output, { timeout: 5000 }).toContain('unit 2: e-stop pressed');
    const client = new ModbusRTU();
    await client.connectTCP('127.0.0.1', { port });
    client.setTimeout(1000);
    client.setID(2);
    try {
      expect((await client.readHoldingRegisters(0, 1)).data).toEqual([6]); // stopped, e-stop
    } finally {
      client.close(() => undefined);
    }
    child.stdin.write('quit\n');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
