/**
 * `npm run sim -- --help`: serve simulated presses over Modbus from a terminal, and steer
 * them with commands on stdin (jam, refill, fault, status, ...).
 */
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { ConfigError } from '../src/model/config-error.js';
import { parseCli, USAGE, UsageError } from './cli-args.js';
import { CommandError, runCommand } from './cli-commands.js';
import { startSimulation, type Simulation } from './simulation.js';

async function main(): Promise<number> {
  let options;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n\nRun "npm run sim -- --help" for the options.`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  let sim: Simulation;
  try {
    sim = await startSimulation({ ...options.simulation, logger });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof RangeError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      console.error(`error: cannot listen: ${(error as Error).message} (choose another --port)`);
      return 1;
    }
    console.error(`error: ${(error as Error).message}`);
    return 1;
  }
  const timeScale = options.simulation.timeScale ?? 1;
  console.log(`Simulating on ${sim.description}${timeScale !== 1 ? `, time ×${timeScale}` : ''}`);
  console.log('Type "help" for commands.');

  return new Promise<number>((resolve) => {
    const input = createInterface({ input: process.stdin, terminal: false });
    let closing = false;
    const shutdown = async (): Promise<void> => {
      if (closing) return;
      closing = true;
      input.close();
      process.stdin.destroy(); // readline leaves stdin open, which would keep the process alive
      await sim.close();
      resolve(0);
    };
    input.on('line', (line) => {
      if (line.trim() === 'quit' || line.trim() === 'exit') return void shutdown();
      try {
        const output = runCommand(sim, line);
        if (output) console.log(output);
      } catch (error) {
        if (!(error instanceof CommandError)) throw error;
        console.log(`error: ${error.message}`);
      }
    });
    // stdin closed (e.g. run in the background with </dev/null): keep serving until a signal.
    process.once('SIGINT', () => void shutdown());
    process.once('SIGTERM', () => void shutdown());
  });
}

process.exitCode = await main();
