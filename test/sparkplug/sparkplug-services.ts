/**
 * Pressroom services for the Sparkplug tests, each the real composition root (createApp) in this
 * process on its own temp data folder: plant boxes (the embedded demo's simulated presses, no
 * random jams) with a `sparkplug:` section, and hubs with a `hub:` section and no press.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { parse, stringify } from 'yaml';
import { createApp, type PressroomApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { removeTestConfig, writeTestConfig } from '../e2e/e2e-kit.js';

export const PASSWORD = 'sparkplug-test-admin-password';

export interface ServiceOptions {
  /** Where the service logs (default: nowhere); test/helpers/log-capture.ts to read it. */
  logger?: Logger;
}

export class Services {
  private readonly apps: PressroomApp[] = [];
  private readonly folders: string[] = [];

  /**
   * A box publishing its presses as edge node `edgeNodeId` of group `print-group`; `extra` goes
   * into its `sparkplug:` section (`tls`, `primaryHostId`, …). A bad section throws loadConfig's
   * ConfigError, as the service would refuse to start.
   */
  edge(broker: string, edgeNodeId: string, extra: Record<string, unknown> = {}, options: ServiceOptions = {}): Promise<PressroomApp> {
    return this.start({ sparkplug: { broker, groupId: 'print-group', edgeNodeId, reconnectSeconds: 0.1, ...extra }, metrics: { anonymous: true } }, options);
  }

  /** A hub with host id `head-office` and no press of its own; `extra` goes into its `hub:` section. */
  hub(broker: string, extra: Record<string, unknown> = {}, options: ServiceOptions = {}): Promise<PressroomApp> {
    return this.start({ hub: { broker, hostId: 'head-office', reconnectSeconds: 0.1, ...extra } }, { ...options, noPresses: true });
  }

  async stop(app: PressroomApp): Promise<void> {
    const index = this.apps.indexOf(app);
    if (index >= 0) this.apps.splice(index, 1);
    await app.stop();
  }

  async stopAll(): Promise<void> {
    for (const app of this.apps.splice(0).reverse()) await app.stop();
    for (const folder of this.folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  }

  private async start(extra: Record<string, unknown>, options: ServiceOptions & { noPresses?: boolean }): Promise<PressroomApp> {
    const file = writeTestConfig();
    const config = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    Object.assign(config, extra, { server: { ...(config.server as object), port: 0, host: '127.0.0.1' } });
    if (options.noPresses) {
      delete config.buses;
      delete config.presses;
    }
    writeFileSync(file, stringify(config));
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pressroom-sparkplug-service-'));
    this.folders.push(dataDir);
    let loaded;
    try {
      loaded = loadConfig({ file, env: { PRESSROOM_DATA_DIR: dataDir } });
    } finally {
      removeTestConfig(file);
    }
    const app = await createApp({
      config: loaded,
      logger: options.logger ?? pino({ level: 'silent' }),
      env: { PRESSROOM_ADMIN_PASSWORD: PASSWORD },
      print: () => {},
    });
    await app.start();
    this.apps.push(app);
    return app;
  }
}
