/**
 * What the XJMF tests share: CIP4's schema check with Debian's xmllint (skipped, visibly, when
 * ../shared/xjdf is not beside the repository), envelope builders, an HTTP client for
 * POST /xjmf, and a service started with an `xjmf:` section in its configuration.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { readXjmf, type XmlElement } from '../../src/xjmf/xml.js';
import { writeTestConfig } from '../e2e/e2e-kit.js';
import { repoRoot, startService, type ServiceProcess, type StartServiceOptions } from '../helpers/service-process.js';

export const XJDF_DIR = path.resolve(repoRoot, '../shared/xjdf');
export const SCHEMA = path.join(XJDF_DIR, 'xjdf.xsd');
export const SAMPLES = path.join(XJDF_DIR, 'samples');
const xmllintPresent = spawnSync('xmllint', ['--version']).status === 0;
export const canValidate = existsSync(SCHEMA) && xmllintPresent;
if (!canValidate) {
  console.warn(
    `\n*** XJMF schema validation SKIPPED: ${existsSync(SCHEMA) ? 'xmllint (Debian libxml2-utils) is not installed' : `${SCHEMA} is absent (clone beside shared/ to validate)`} ***\n`,
  );
}

/** Throws with xmllint's report unless `xml` validates against CIP4's XJDF 2.x schema (no-op when it cannot run). */
export function validate(xml: string): void {
  if (!canValidate) return;
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-xjmf-'));
  try {
    const file = path.join(dir, 'message.xjmf');
    writeFileSync(file, xml);
    const result = spawnSync('xmllint', ['--noout', '--nonet', '--schema', SCHEMA, file], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`not valid against ${SCHEMA}:\n${result.stderr}\n${xml}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const NS = 'http://www.CIP4.org/JDFSchema_2_0';
const TIME = '2026-12-06T10:00:00Z';

/** One XJMF envelope from the MIS around `messages`. */
export function envelope(messages: string, extraNs = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<XJMF xmlns="${NS}"${extraNs}><Header DeviceID="TestMIS" ID="env1" Time="${TIME}"/>${messages}</XJMF>`;
}

/** A message `name` with Header ID `id` and the given children. */
export function message(name: string, id: string, inner = ''): string {
  return `<${name}><Header DeviceID="TestMIS" ID="${id}" Time="${TIME}"/>${inner}</${name}>`;
}

export interface XjmfAnswer {
  status: number;
  contentType: string;
  text: string;
  root: XmlElement;
  /** The responses, by element name. */
  responses: XmlElement[];
}

export async function postXjmf(url: string, body: string, options: { token?: string; contentType?: string; cookie?: string } = {}): Promise<XjmfAnswer> {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/vnd.cip4-xjmf+xml' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  const parsed = readXjmf(text);
  if ('error' in parsed) throw new Error(`answer is not XJMF (${parsed.error.message}): HTTP ${res.status}\n${text}`);
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    text,
    root: parsed.root,
    responses: parsed.root.children.filter((c) => c.name !== 'Header'),
  };
}

export function find(element: XmlElement, name: string): XmlElement | undefined {
  for (const c of element.children) {
    if (c.name === name) return c;
    const deeper = find(c, name);
    if (deeper) return deeper;
  }
  return undefined;
}

export function findAll(element: XmlElement, name: string): XmlElement[] {
  return element.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}

export const MIS_TOKEN = 'mis-token-0123456789abcdef';

/** Starts the service from the embedded default config with an `xjmf:` section (and other top-level keys). */
export async function startXjmfService(options: {
  xjmf?: Record<string, unknown>;
  anonymousRead?: boolean;
  dataDir?: string;
  configFile?: string;
  env?: StartServiceOptions['env'];
}): Promise<{ service: ServiceProcess; config: string }> {
  const config = options.configFile ?? writeTestConfig({ anonymousRead: options.anonymousRead ?? true });
  if (!options.configFile) {
    const doc = parse(readFileSync(config, 'utf8')) as Record<string, unknown>;
    doc.xjmf = { tokens: [{ name: 'test-mis', token: MIS_TOKEN }], ...options.xjmf };
    writeFileSync(config, stringify(doc));
  }
  const service = await startService({ config, ...(options.dataDir ? { dataDir: options.dataDir } : {}), ...(options.env ? { env: options.env } : {}) });
  return { service, config };
}
