/**
 * Loads and checks the configuration and every profile it names. Any problem throws a
 * ConfigError naming the file, the path inside it and the problem; the service refuses to
 * start rather than run half-configured.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type ConfigProblem } from '../model/config-error.js';
import { loadProfileFile, readYamlFile, validate } from '../model/profile-load.js';
import type { PollingSettings, Profile } from '../model/profile-schema.js';
import type { ResolvedPress } from '../model/plant.js';
import { tlsFileProblems } from '../sparkplug/sparkplug-config.js';
import { configSchema, type BusConfig, type Config, type PressConfig } from './schema.js';

export type { ResolvedPress };

/** Something the service can run with, but a person should hear about at start (logged at warn). */
export interface ConfigWarning {
  file: string;
  path: string;
  message: string;
}

export interface ResolvedConfig extends Omit<Config, 'presses'> {
  file: string;
  presses: ResolvedPress[];
  warnings: ConfigWarning[];
}

export interface LoadConfigOptions {
  file: string;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_CONFIG_FILE = 'config/default.yaml';

export function loadConfig({ file, env = {} }: LoadConfigOptions): ResolvedConfig {
  const config = validate(file, configSchema, readYamlFile(file));
  if (env.PORT !== undefined && env.PORT !== '') {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new ConfigError('environment', [{ path: 'PORT', message: `"${env.PORT}" is not a port number (0-65535)` }]);
    config.server.port = port;
  }
  if (env.PRESSROOM_DATA_DIR) config.dataDir = env.PRESSROOM_DATA_DIR;

  const profilesDir = path.resolve(path.dirname(file), config.profilesDir);
  const profiles = new Map<string, { profile: Profile; file: string }>();
  const problems: ConfigProblem[] = [...tlsFileProblems('sparkplug', config.sparkplug?.tls), ...tlsFileProblems('hub', config.hub?.tls)];
  const warnings: ConfigWarning[] = [];
  const presses = config.presses.map((press, index) => {
    const profileFile = resolveProfileFile(profilesDir, press.profile);
    if (!existsSync(profileFile)) {
      problems.push({ path: `presses[${index}].profile`, message: `profile "${press.profile}" not found (looked for ${profileFile})` });
      return undefined;
    }
    let loaded = profiles.get(profileFile);
    if (!loaded) {
      loaded = { profile: loadProfileFile(profileFile), file: profileFile };
      profiles.set(profileFile, loaded);
      const warning = modelNameMismatch(profileFile, loaded.profile, `presses[${index}].profile`);
      if (warning) warnings.push(warning);
    }
    const bus = config.buses.find((b) => b.id === press.bus)!;
    const polling = mergePolling(loaded.profile.polling, press, bus);
    const fastest = Math.min(...Object.values(polling.scanClasses));
    if (polling.timeoutMs >= fastest) {
      problems.push({
        path: `presses[${index}]`,
        message: `request timeout ${polling.timeoutMs} ms (from ${bus.timeoutMs !== undefined ? `bus "${bus.id}"` : 'the profile or press'}) must be below the fastest scan period ${fastest} ms`,
      });
    }
    const resolved: ResolvedPress = { ...press, profile: loaded.profile, profileFile, polling, ratedSpeed: press.ratedSpeed ?? loaded.profile.ratedSpeed };
    return resolved;
  });
  if (problems.length > 0) throw new ConfigError(file, problems);
  return { ...config, file, presses: presses as ResolvedPress[], warnings };
}

/**
 * A profile copied to a new file and not renamed inside: presses name it by the file, but the
 * service, the API (`model`) and the logs call it by its `model`, so two names for one thing
 * (or two files claiming one model). Legal, so not refused; said once at start.
 */
function modelNameMismatch(profileFile: string, profile: Profile, where: string): ConfigWarning | null {
  const fileName = path.basename(profileFile).replace(/\.(ya?ml|json)$/, '');
  if (fileName === profile.model) return null;
  return {
    file: profileFile,
    path: where,
    message: `profile file "${path.basename(profileFile)}" declares model "${profile.model}": the press will be shown as model "${profile.model}"; rename the file to ${profile.model}.yaml or set model: ${fileName}`,
  };
}

function resolveProfileFile(profilesDir: string, name: string): string {
  if (name.includes('/') || name.endsWith('.yaml') || name.endsWith('.yml') || name.endsWith('.json')) return path.resolve(profilesDir, name);
  return path.join(profilesDir, `${name}.yaml`);
}

function mergePolling(base: PollingSettings, press: PressConfig, bus: BusConfig): PollingSettings {
  const merged: PollingSettings = { ...base, ...(press.polling ?? {}) };
  merged.scanClasses = { ...base.scanClasses, ...(press.polling?.scanClasses ?? {}) };
  if (bus.timeoutMs !== undefined) merged.timeoutMs = bus.timeoutMs;
  if (bus.retries !== undefined) merged.retries = bus.retries;
  return merged;
}
