import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemas, schemaDir } from '../../config/generate-schema.js';

describe('the JSON Schemas for editors', () => {
  it('match the zod schemas the service validates with (run `npm run schema` after changing them)', () => {
    for (const [name, schema] of Object.entries(jsonSchemas())) {
      const committed = JSON.parse(readFileSync(path.join(schemaDir, name), 'utf8')) as unknown;
      expect(committed, `${name} is stale`).toEqual(JSON.parse(JSON.stringify(schema)));
    }
  });

  it('describe the profile roles and data types an editor should offer', () => {
    const text = readFileSync(path.join(schemaDir, 'profile.schema.json'), 'utf8');
    for (const word of ['runState', 'counter', 'ink', 'paper', 'alarm', 'u32', 'f32', 'wordOrder']) expect(text).toContain(`"${word}"`);
  });
});
