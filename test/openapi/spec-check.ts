/**
 * Checks an HTTP answer against the service's own OpenAPI description (GET /api/openapi.json):
 * the operation is found by method and path template, the status must be listed (or covered by
 * `default`), a JSON body must validate against the listed schema (ajv, JSON Schema 2020-12 as
 * OpenAPI 3.1 uses), a CSV or HTML answer must come with that type, a 204/304 without a body.
 * A write the service accepted (2xx) must also have sent a body the described request schema
 * accepts. Used by the role-matrix and fuzz tests on every request they send, so the
 * description cannot drift from what the service does.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';

interface Parameter {
  name: string;
  in: string;
  schema?: unknown;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}

export interface CheckedAnswer {
  method: string;
  /** As sent, with its query string (percent-encoded). */
  path: string;
  status: number;
  contentType: string | undefined;
  text: string;
  /** The JSON body sent, if any. */
  requestBody?: unknown;
}

export interface SpecCheck {
  readonly document: Document;
  /** What is wrong with this answer, or undefined. */
  check(answer: CheckedAnswer): string | undefined;
  /** The template (`/api/alarms/{id}/ack`) a concrete path falls under, if any. */
  template(path: string): string | undefined;
}

export async function loadSpec(baseUrl: string): Promise<SpecCheck> {
  const res = await fetch(new URL('/api/openapi.json', baseUrl));
  if (res.status !== 200) throw new Error(`GET /api/openapi.json answered ${res.status}`);
  return specCheck((await res.json()) as Document);
}

export function specCheck(document: Document): SpecCheck {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false, validateSchema: false });
  ajv.addSchema(document as object, 'openapi');
  const validators = new Map<string, ReturnType<typeof ajv.compile>>();
  const validate = (pointer: string, value: unknown): string | undefined => {
    let validator = validators.get(pointer);
    if (!validator) {
      validator = ajv.compile({ $ref: `openapi#${pointer}` });
      validators.set(pointer, validator);
    }
    if (validator(value)) return undefined;
    return ajv.errorsText(validator.errors?.slice(0, 3), { dataVar: 'body' });
  };
  // literal paths before templated ones: /api/supplies/suggestions, not /api/supplies/{id}
  const templates = Object.keys(document.paths)
    .map((path) => ({ path, params: (path.match(/\{/g) ?? []).length, pattern: new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`) }))
    .sort((a, b) => a.params - b.params);
  const template = (path: string) => templates.find((t) => t.pattern.test(path.split('?')[0]!))?.path;
  const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

  return {
    document,
    template,
    check(answer) {
      const at = `${answer.method} ${answer.path.slice(0, 80)} → ${answer.status}`;
      const path = template(answer.path);
      const method = answer.method.toLowerCase();
      const operation = path ? document.paths[path]?.[method] : undefined;
      // no such route (404) or method (404 from the catch-all): the answer is still the error shape
      const base = path && operation ? `/paths/${escape(path)}/${method}` : undefined;
      const listed = operation?.responses[String(answer.status)] ? String(answer.status) : 'default';
      const response = operation ? operation.responses[listed] : undefined;
      if (operation && !response) return `${at}: status not in the description`;
      if (answer.status === 204 || answer.status === 304) return answer.text === '' ? undefined : `${at}: a body on a ${answer.status}`;
      const type = (answer.contentType ?? '').split(';')[0]!.trim();
      if (type === 'application/json') {
        let body: unknown;
        try {
          body = JSON.parse(answer.text);
        } catch {
          return `${at}: not JSON`;
        }
        const pointer = base ? `${base}/responses/${listed}/content/${escape('application/json')}/schema` : '/components/schemas/Error';
        if (base && !response?.content?.['application/json'])
          return `${at}: JSON, but the description lists ${Object.keys(response?.content ?? {}).join(', ') || 'no body'}`;
        const problem = validate(pointer, body);
        if (problem) return `${at}: ${problem} — ${answer.text.slice(0, 160)}`;
      } else if (!response?.content?.[type]) {
        return `${at}: a ${type || 'typeless'} answer, the description lists ${Object.keys(response?.content ?? {}).join(', ') || 'no body'}`;
      }
      if (base && operation && answer.status < 300) {
        const problem = queryProblem(operation, answer.path, (index, value) => validate(`${base}/parameters/${index}/schema`, value));
        if (problem) return `${at}: the service took a query its description does not: ${problem}`;
      }
      if (base && answer.status < 300 && answer.requestBody !== undefined && operation?.requestBody) {
        const problem = validate(`${base}/requestBody/content/${escape('application/json')}/schema`, answer.requestBody);
        if (problem) return `${at}: the service took a body its description refuses: ${problem}`;
      }
      return undefined;
    },
  };
}

/**
 * A query the service answered with success must be one its description allows: on a route that
 * reads a query, every parameter sent is declared (in: query), and its value, as a number where the
 * schema wants one, passes the declared schema. Routes that read no query ignore one.
 */
function queryProblem(operation: Operation, path: string, validate: (index: number, value: unknown) => string | undefined): string | undefined {
  const query = path.includes('?') ? new URLSearchParams(path.slice(path.indexOf('?') + 1)) : undefined;
  if (!query) return undefined;
  const declared = new Map(
    (operation.parameters ?? [])
      .map((p, index) => [p, index] as const)
      .filter(([p]) => p.in === 'query')
      .map(([p, i]) => [p.name, { p, i }]),
  );
  // a route that reads no query ignores one (GET /api/health?x=1 is the health)
  if (declared.size === 0) return undefined;
  for (const [name, raw] of query) {
    const found = declared.get(name);
    if (!found) return `"${name}" is not a declared query parameter (declared: ${[...declared.keys()].join(', ') || 'none'})`;
    const type = (found.p.schema as { type?: unknown } | undefined)?.type;
    const numeric = type === 'integer' || type === 'number';
    const value = numeric && raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    const problem = validate(found.i, value);
    if (problem) return `${name}=${raw.slice(0, 40)}: ${problem.replace(/^body/, name)}`;
  }
  return undefined;
}
