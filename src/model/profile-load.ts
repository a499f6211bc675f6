import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, problemsFromZod } from './config-error.js';
import { profileSchema, type Profile } from './profile-schema.js';

/** Parses YAML (or JSON) text; syntax errors become a ConfigError with line and column. */
export function parseYamlText(file: string, text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '',
        message: e.message.split('\n')[0] ?? e.message,
      })),
    );
  }
  try {
    // Expanding aliases is where a YAML "billion laughs" would eat the memory: yaml refuses
    // past `maxAliasCount` expansions, and refuses an alias to an unknown anchor, both with a
    // ReferenceError that must reach the user as a ConfigError, not as a crash.
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    throw new ConfigError(file, [{ path: '', message: `YAML alias: ${error.message}` }]);
  }
}

/** yaml's default: far more than any real profile uses, far fewer than a bomb needs. */
const MAX_ALIAS_COUNT = 100;

export function readYamlFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [{ path: '', message: code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(error)})` }]);
  }
  return parseYamlText(file, text);
}

/** Validates `data` against `schema`, or throws a ConfigError naming `file` and each path. */
export function validate<S extends z.ZodType>(file: string, schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw new ConfigError(file, problemsFromZod(result.error));
  return result.data;
}

export function loadProfileFile(file: string): Profile {
  return validate(file, profileSchema, readYamlFile(file));
}
