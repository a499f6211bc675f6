/**
 * Broken configuration and profile files, the way they come from an editor, a copy-paste or
 * a failing disk: every one is refused with a ConfigError naming the file and where in it
 * (a path, or a line and column for YAML syntax), never another error or a stack trace, and
 * never a hang, not even for an alias bomb. In-process through loadConfig / loadProfileFile,
 * plus one check that the real process exits 1 with a readable message.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/model/config-error.js';
import { loadProfileFile } from '../../src/model/profile-load.js';
import { loadConfig } from '../../src/config/load.js';
import { startService } from '../helpers/service-process.js';
import { mutate } from './mutate-tree.js';
import { mulberry32 } from './prng.js';
import { BILLION_LAUGHS, FIXED_CASES, textMutation, type TextCase } from './yaml-cases.js';

const SEED = 0x5eedc0f1;
/** Loading a config is a few ms; anything near this is a resource problem, not a slow disk. */
const MAX_MS_PER_FILE = 1500;
const profilesDir = path.resolve('config/profiles');
const profileFiles = readdirSync(profilesDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => path.join(profilesDir, f));
// The shipped default, with profilesDir made absolute so a copy in a temp folder still finds the profiles.
const defaultConfigText = readFileSync(path.resolve('config/default.yaml'), 'utf8').replace(/^profilesDir: .*$/m, `profilesDir: ${profilesDir}`);
const workDir = mkdtempSync(path.join(tmpdir(), 'pressroom-config-fuzz-'));
let caseCounter = 0;
const outcomes = { loaded: 0, refused: 0, slowestMs: 0 };

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
  console.info(`config fuzz: ${outcomes.loaded} mutated files still valid, ${outcomes.refused} refused, slowest ${outcomes.slowestMs.toFixed(1)} ms`);
});

/** Writes `content` as `name` in a fresh folder (so a config can sit next to a broken profile). */
function writeCase(content: string | Buffer, name: string, extra: Record<string, string> = {}): string {
  const dir = path.join(workDir, String(caseCounter++));
  mkdirSync(dir, { recursive: true });
  for (const [other, text] of Object.entries(extra)) writeFileSync(path.join(dir, other), text);
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

/**
 * Runs `load` and checks the outcome: it loads, or it throws a ConfigError whose message names
 * `file` and, for each problem, where (a path or a line/column; "(top level)" only for a file
 * that is not a mapping at all), and carries no stack trace.
 */
function expectLoadsOrReadableRefusal(load: () => unknown, file: string, label: string): 'loaded' | ConfigError {
  const started = performance.now();
  let thrown: unknown;
  try {
    load();
  } catch (error) {
    thrown = error;
  }
  const ms = performance.now() - started;
  outcomes.slowestMs = Math.max(outcomes.slowestMs, ms);
  expect(ms, `${label}: took ${ms.toFixed(0)} ms`).toBeLessThan(MAX_MS_PER_FILE);
  if (thrown === undefined) {
    outcomes.loaded++;
    return 'loaded';
  }
  outcomes.refused++;
  if (!(thrown instanceof ConfigError)) {
    expect.fail(`${label}: threw ${(thrown as Error)?.name ?? typeof thrown} instead of ConfigError: ${(thrown as Error)?.message ?? String(thrown)}`);
  }
  const error = thrown;
  expect(error.file, label).toBe(file);
  expect(error.message, label).toContain(file);
  expect(error.message, label).not.toMatch(/\n\s+at /);
  expect(error.problems.length, label).toBeGreaterThan(0);
  for (const problem of error.problems) {
    expect(problem.message.trim(), `${label}: an empty problem message`).not.toBe('');
    if (problem.path === '') expect(problem.message, `${label}: a problem without a place should be about the whole file`).toMatch(TOP_LEVEL_PROBLEM);
  }
  return error;
}

/** Problems allowed without a path: about the whole file, or a top-level key that names itself. */
const TOP_LEVEL_PROBLEM = /file|document|expected object|alias|Unrecognized key/i;

function refusal(load: () => unknown, file: string, label: string): ConfigError {
  const outcome = expectLoadsOrReadableRefusal(load, file, label);
  if (outcome === 'loaded') expect.fail(`${label}: was accepted`);
  return outcome;
}

describe('broken configuration files', () => {
  it('refuses nasty whole files (empty, binary, alias bombs, deep nests, bad syntax) by file and place', () => {
    for (const nasty of FIXED_CASES) {
      const file = writeCase(nasty.content, 'config.yaml');
      const error = refusal(() => loadConfig({ file }), file, `config: ${nasty.label}`);
      if (/unclosed|tab|duplicate|broken JSON|unterminated/.test(nasty.label)) {
        expect(error.problems[0]!.path, `${nasty.label}: a syntax error gives line and column`).toMatch(/^line \d+, column \d+$/);
      }
    }
  });

  it('loads or readably refuses 200 structural mutations of config/default.yaml', () => {
    const random = mulberry32(SEED);
    const original = parse(defaultConfigText) as unknown;
    for (let i = 0; i < 200; i++) {
      const mutation = mutate(original, random);
      const file = writeCase(stringify(mutation.value ?? null), 'config.yaml');
      expectLoadsOrReadableRefusal(() => loadConfig({ file }), file, `config #${i}: ${mutation.label}`);
    }
  });

  it('loads or readably refuses 150 text mutations of config/default.yaml (bytes, truncation, tabs, duplicates)', () => {
    const random = mulberry32(SEED + 1);
    for (let i = 0; i < 150; i++) {
      const damage = textMutation(defaultConfigText, random);
      const file = writeCase(damage.content, 'config.yaml');
      expectLoadsOrReadableRefusal(() => loadConfig({ file }), file, `config text #${i}: ${damage.label}`);
    }
  });
});

describe('broken press profiles', () => {
  it('refuses nasty whole files as profiles too', () => {
    for (const nasty of FIXED_CASES) {
      const file = writeCase(nasty.content, 'profile.yaml');
      refusal(() => loadProfileFile(file), file, `profile: ${nasty.label}`);
    }
  });

  for (const [n, profileFile] of profileFiles.entries()) {
    const name = path.basename(profileFile);
    it(`loads or readably refuses mutations of ${name}, alone and through the config that names it`, () => {
      const random = mulberry32(SEED + 100 + n);
      const text = readFileSync(profileFile, 'utf8');
      const original = parse(text) as unknown;
      const cases: TextCase[] = [];
      for (let i = 0; i < 120; i++) {
        const mutation = mutate(original, random);
        cases.push({ content: stringify(mutation.value ?? null), label: mutation.label });
      }
      for (let i = 0; i < 60; i++) cases.push(textMutation(text, random));
      for (const [i, damage] of cases.entries()) {
        const label = `${name} #${i}: ${damage.label}`;
        // The config names the broken profile; the refusal must name the profile file, not only the config.
        const config = `profilesDir: .\nbuses: [{ id: bus-a, kind: tcp, simulate: true }]\npresses: [{ id: p1, name: P1, profile: broken, bus: bus-a, unitId: 1 }]\n`;
        const file = writeCase(damage.content, 'broken.yaml', { 'config.yaml': config });
        const alone = expectLoadsOrReadableRefusal(() => loadProfileFile(file), file, label);
        if (alone === 'loaded') continue;
        const configFile = path.join(path.dirname(file), 'config.yaml');
        const viaConfig = refusal(() => loadConfig({ file: configFile }), file, `${label} (through the config)`);
        expect(viaConfig.problems).toEqual(alone.problems);
      }
    });
  }
});

describe('an alias bomb', () => {
  it('is refused at once, without expanding millions of nodes', () => {
    const file = writeCase(`${BILLION_LAUGHS}\nmodel: bomb\nsignals: *g\n`, 'profile.yaml');
    const heapBefore = process.memoryUsage().heapUsed;
    const error = refusal(() => loadProfileFile(file), file, 'billion laughs');
    expect(error.message).toMatch(/alias/i);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('the service started with a broken configuration', () => {
  it('exits with code 1 and a message naming the file, without a stack trace', async () => {
    const broken: { label: string; content: string | Buffer; expect: RegExp }[] = [
      { label: 'alias bomb', content: `${BILLION_LAUGHS}\nbuses: *g\n`, expect: /alias/i },
      { label: 'binary', content: Buffer.from([0xff, 0x00, 0xfe, 0x01, 0x80, 0x0a, 0x3a, 0x3a]), expect: /line \d+, column \d+|expected object|invalid/ },
      { label: 'empty', content: '', expect: /empty|expected object/i },
      { label: 'truncated', content: defaultConfigText.slice(0, defaultConfigText.indexOf('presses:') + 40), expect: /presses|line \d+/ },
    ];
    const results = await Promise.all(
      broken.map(async (config) => {
        const file = writeCase(config.content, `broken-${config.label.replace(/\W+/g, '-')}.yaml`);
        const message = await startService({ config: file, timeoutMs: 20_000 }).then(
          async (service) => {
            await service.stop({ cleanup: true });
            return `started although broken`;
          },
          (error: Error) => error.message,
        );
        return { ...config, file, message };
      }),
    );
    for (const result of results) {
      expect(result.message, result.label).toContain('exited with code 1');
      expect(result.message, result.label).toContain(result.file);
      expect(result.message, result.label).toMatch(result.expect);
      expect(result.message, result.label).not.toMatch(/\n\s+at /);
    }
  }, 40_000);
});
