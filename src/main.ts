/**
 * Process entry: reads the environment (and mirroring flags), loads the configuration,
 * starts the service and prints the dashboard URL. A bad configuration stops here with a
 * message naming the file and the path; runtime faults are logged and ridden through.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ConfigError } from './model/config-error.js';
import { DEFAULT_CONFIG_FILE, loadConfig } from './config/load.js';
import { installRoot } from './lib/install-root.js';

function usage(): string {
  return `Usage: npm start -- [--config FILE] [--port N] [--data-dir DIR]

Environment (flags win):
  PORT                      HTTP port (default 8080; 0 picks a free one)
  PRESSROOM_CONFIG          configuration file (default ${DEFAULT_CONFIG_FILE})
  PRESSROOM_DATA_DIR        data folder for the SQLite database (default ./data)
  PRESSROOM_ADMIN_PASSWORD  initial admin password on first start (else one is generated and printed once)
  LOG_LEVEL                 pino level (default info)`;
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: { config: { type: 'string' }, port: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage()}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(usage());
    return;
  }
  const env = { ...process.env };
  if (args.port !== undefined) env.PORT = args.port;
  if (args['data-dir'] !== undefined) env.PRESSROOM_DATA_DIR = args['data-dir'];
  const configFile = resolveConfigFile(args.config ?? env.PRESSROOM_CONFIG ?? DEFAULT_CONFIG_FILE);

  const logger = pino({ level: env.LOG_LEVEL ?? 'info', base: { service: 'pressroom' } });
  let config;
  try {
    config = loadConfig({ file: configFile, env });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Pressroom cannot start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }

  for (const warning of config.warnings) logger.warn({ file: warning.file, path: warning.path }, warning.message);

  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection (kept running)'));
  // the application's modules only now: a bad configuration is refused without loading them
  const { createApp } = await import('./app.js');
  const app = await createApp({ config, logger, env, print: (line) => console.log(line) });
  // Signal handlers come before the URL is printed: whoever reads that line may stop the service
  // at once, and a SIGTERM with no handler yet would kill it without closing the database.
  let startDone!: () => void;
  const started = new Promise<void>((resolve) => (startDone = resolve));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    // a stop asked for while starting waits for the start, so everything started is stopped
    started
      .then(() => app.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'error while stopping');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  await app.start().finally(startDone);
  console.log(`Pressroom is running: ${app.url}`);
}

/** Relative paths are taken from the working directory, then from the install folder. */
function resolveConfigFile(file: string): string {
  const fromCwd = path.resolve(file);
  if (existsSync(fromCwd) || path.isAbsolute(file)) return fromCwd;
  const fromRepo = path.resolve(installRoot, file);
  return existsSync(fromRepo) ? fromRepo : fromCwd;
}

main().catch((error: unknown) => {
  console.error('Pressroom failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
