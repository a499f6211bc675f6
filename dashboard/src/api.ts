/**
 * The dashboard's one door to the REST API. Every failure becomes an ApiError with a kind,
 * so callers can tell "the network is down" (keep and retry) from "the service said no"
 * (show the reason) without parsing messages.
 */
export type ApiErrorKind = 'network' | 'unauthenticated' | 'forbidden' | 'rejected' | 'server';

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number | null;
  readonly code: string | null;
  readonly details: unknown;

  constructor(options: { kind: ApiErrorKind; message: string; status?: number | null; code?: string | null; details?: unknown; cause?: unknown }) {
    super(options.message, { cause: options.cause });
    this.name = 'ApiError';
    this.kind = options.kind;
    this.status = options.status ?? null;
    this.code = options.code ?? null;
    this.details = options.details;
  }
}

function kindOf(status: number): ApiErrorKind {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status >= 500 || status === 429 || status === 408) return 'server';
  return 'rejected';
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** Query parameters; undefined and empty values are left out. */
  query?: Record<string, string | number | boolean | undefined | null>;
}

export function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Calls the API and returns the parsed JSON body with its HTTP status. */
export async function requestWithStatus<T>(path: string, options: RequestOptions = {}): Promise<{ status: number; body: T }> {
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method: options.method ?? 'GET',
      headers: options.body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: options.signal,
    });
  } catch (cause) {
    throw new ApiError({ kind: 'network', message: 'The service cannot be reached', cause });
  }
  const text = await response.text().catch((cause: unknown) => {
    throw new ApiError({ kind: 'network', message: 'The answer was cut off', status: response.status, cause });
  });
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch (cause) {
      if (response.ok)
        throw new ApiError({ kind: 'server', message: `The service answered ${path} with something that is not JSON`, status: response.status, cause });
    }
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new ApiError({
      kind: kindOf(response.status),
      status: response.status,
      code: error?.code ?? null,
      message: error?.message ?? `${response.status} ${response.statusText}`,
      details: error?.details,
    });
  }
  return { status: response.status, body: body as T };
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await requestWithStatus<T>(path, options)).body;
}

/** Some list routes answer with a bare array, others with `{ <name>: [...] }`: accept both. */
export function listFrom<T>(body: unknown, ...names: string[]): T[] {
  if (Array.isArray(body)) return body as T[];
  for (const name of names) {
    const inner = (body as Record<string, unknown> | null)?.[name];
    if (Array.isArray(inner)) return inner as T[];
  }
  return [];
}

/** A message fit for a person: the service's own words where it gave some. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.kind === 'network') return 'No connection to the service.';
    if (error.kind === 'unauthenticated' && error.code === 'unauthenticated') return 'Please log in.';
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
