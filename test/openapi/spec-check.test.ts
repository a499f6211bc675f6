/** The drift check itself: what it must refuse, on a description small enough to read. */
import { describe, expect, it } from 'vitest';
import { specCheck } from './spec-check.js';

const json = { content: { 'application/json': { schema: { type: 'object' } } } };
const ok = { '200': json, '400': json };
const spec = specCheck({
  paths: {
    '/api/things': { get: { parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } }], responses: ok } },
    '/api/health': { get: { responses: ok } },
  },
});
const answer = (path: string, status = 200) => spec.check({ method: 'GET', path, status, contentType: 'application/json', text: '{}' });

describe('the OpenAPI drift check on queries', () => {
  it('takes a declared parameter with a value its schema accepts', () => {
    expect(answer('/api/things?limit=20')).toBeUndefined();
  });

  it('refuses a success to a query the description does not declare, or a value it refuses', () => {
    expect(answer('/api/things?limit=20&sort=name')).toMatch(/"sort" is not a declared query parameter/);
    expect(answer('/api/things?limit=1000')).toMatch(/limit=1000/);
    expect(answer('/api/things?limit=ten')).toMatch(/limit=ten/);
  });

  it('lets a refusal through (the service said no), and a route that reads no query ignore one', () => {
    expect(answer('/api/things?limit=ten', 400)).toBeUndefined();
    expect(answer('/api/health?x=1')).toBeUndefined();
  });
});
