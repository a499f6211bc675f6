/**
 * Writes JSON Schemas for the config and profile files, derived from the zod schemas, so
 * editors (VS Code with the YAML extension) autocomplete and check them as you type.
 * `npm run schema` regenerates; a test fails if the committed files are stale.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { profileSchema } from '../src/model/profile-schema.js';
import { configSchema } from '../src/config/schema.js';

export function jsonSchemas(): Record<string, unknown> {
  const options = { io: 'input', unrepresentable: 'any' } as const;
  return {
    'config.schema.json': { title: 'Pressroom configuration', ...z.toJSONSchema(configSchema, options) },
    'profile.schema.json': { title: 'Pressroom press profile', ...z.toJSONSchema(profileSchema, options) },
  };
}

export const schemaDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'schema');

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  mkdirSync(schemaDir, { recursive: true });
  for (const [name, schema] of Object.entries(jsonSchemas())) {
    writeFileSync(path.join(schemaDir, name), `${JSON.stringify(schema, null, 2)}\n`);
    console.log(`wrote ${path.join('config/schema', name)}`);
  }
}
