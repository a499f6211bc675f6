/**
 * XML in and out for XJMF. In: fast-xml-parser with entity processing off and any DOCTYPE
 * refused before parsing, so neither an external entity (XXE) nor a nested internal one
 * (billion laughs) can reach the parser; the five predefined entities and character
 * references are decoded here, by a fixed table that cannot expand. Out: a small writer that
 * escapes every attribute and text, so a press name or job number cannot break the markup.
 */
import { createRequire } from 'node:module';
import type * as FxpModule from 'fast-xml-parser';
import type { XMLParser } from 'fast-xml-parser';

export const XJDF_NAMESPACE = 'http://www.CIP4.org/JDFSchema_2_0';

/** One element: its local name (namespace prefix of the XJMF namespace removed), attributes, children, text. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export type XmlReadError = { kind: 'doctype' | 'malformed' | 'not-xjmf'; message: string };

type Fxp = typeof FxpModule;
let fxp: { parser: XMLParser; validator: Fxp['XMLValidator'] } | undefined;

/** The parser is loaded with the first XJMF message: ~1.1 MB of heap a box without an MIS never needs. */
function xmlLibrary(): { parser: XMLParser; validator: Fxp['XMLValidator'] } {
  if (!fxp) {
    const lib = createRequire(import.meta.url)('fast-xml-parser') as Fxp;
    const parser = new lib.XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      removeNSPrefix: false,
      processEntities: false,
      htmlEntities: false,
      preserveOrder: true,
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: true,
    });
    fxp = { parser, validator: lib.XMLValidator };
  }
  return fxp;
}

/** Parses an XJMF document; the root must be `XJMF` in the CIP4 2.0 namespace. */
export function readXjmf(text: string): { root: XmlElement } | { error: XmlReadError } {
  return readCip4(text, 'XJMF');
}

/** Parses a CIP4 2.0 document whose root is `rootName` (XJMF, or an XJDF a queue entry refers to). */
export function readCip4(text: string, rootName: string): { root: XmlElement } | { error: XmlReadError } {
  // A DOCTYPE is the only way to declare entities: XJMF never needs one, so refuse it outright.
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    return { error: { kind: 'doctype', message: 'a DOCTYPE or ENTITY declaration is not accepted (XJMF needs none; entities are never expanded)' } };
  }
  const { parser, validator } = xmlLibrary();
  const valid = validator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true) {
    return { error: { kind: 'malformed', message: `not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})` } };
  }
  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch (error) {
    return { error: { kind: 'malformed', message: `not well-formed XML: ${error instanceof Error ? error.message : String(error)}` } };
  }
  const nodes = (parsed as RawNode[]).filter((node) => !('?xml' in node) && !('#comment' in node));
  const rootNode = nodes.find((node) => elementName(node) !== undefined);
  if (!rootNode) return { error: { kind: 'malformed', message: 'the body holds no XML element' } };
  const rawName = elementName(rootNode)!;
  const [prefix, local] = rawName.includes(':') ? (rawName.split(':', 2) as [string, string]) : ['', rawName];
  const attrs = rootNode[':@'] ?? {};
  const namespace = prefix ? attrs[`xmlns:${prefix}`] : attrs.xmlns;
  if (local !== rootName || namespace !== XJDF_NAMESPACE) {
    return {
      error: {
        kind: 'not-xjmf',
        message: `the root element must be ${rootName} in the namespace ${XJDF_NAMESPACE} (got ${local}${namespace ? ` in ${namespace}` : ' with no namespace'})`,
      },
    };
  }
  return { root: toElement(rootNode, prefix) };
}

type RawNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function elementName(node: RawNode): string | undefined {
  return Object.keys(node).find((key) => key !== ':@' && key !== '#text' && key !== '#comment' && key !== '?xml');
}

function toElement(node: RawNode, prefix: string): XmlElement {
  const rawName = elementName(node)!;
  const name = prefix && rawName.startsWith(`${prefix}:`) ? rawName.slice(prefix.length + 1) : rawName;
  const attrs: Record<string, string> = {};
  for (const [key, value] of Object.entries(node[':@'] ?? {})) attrs[key] = decodeEntities(String(value));
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[rawName] as RawNode[] | undefined) ?? []) {
    if ('#text' in child) text += decodeEntities(String(child['#text']));
    else if (elementName(child) !== undefined && !('#comment' in child)) children.push(toElement(child, prefix));
  }
  return { name, attrs, children, text };
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The predefined entities and character references only; anything else stays as written. */
export function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return safeCodePoint(parseInt(ref.slice(2), 16)) ?? whole;
    if (ref.startsWith('#')) return safeCodePoint(parseInt(ref.slice(1), 10)) ?? whole;
    return PREDEFINED[ref] ?? whole;
  });
}

function safeCodePoint(code: number): string | undefined {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

// ---- writing ----

/** An element to write: attributes with undefined values are left out. */
export interface XmlOut {
  name: string;
  attrs?: Record<string, string | number | undefined>;
  children?: (XmlOut | undefined)[];
  text?: string;
}

export function el(name: string, attrs: XmlOut['attrs'] = {}, children: XmlOut['children'] = [], text?: string): XmlOut {
  return text === undefined ? { name, attrs, children } : { name, attrs, children, text };
}

export function writeXml(root: XmlOut): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${write(root, '')}\n`;
}

function write(node: XmlOut, indent: string): string {
  const attrs = Object.entries(node.attrs ?? {})
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join('');
  const children = (node.children ?? []).filter((c): c is XmlOut => c !== undefined);
  if (node.text !== undefined) return `${indent}<${node.name}${attrs}>${escapeXml(node.text)}</${node.name}>`;
  if (children.length === 0) return `${indent}<${node.name}${attrs}/>`;
  return `${indent}<${node.name}${attrs}>\n${children.map((c) => write(c, `${indent}  `)).join('\n')}\n${indent}</${node.name}>`;
}

export function escapeXml(value: string): string {
  // characters XML 1.0 cannot carry at all are dropped rather than written as an invalid document
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;');
}

/** A value usable as an xs:NMTOKEN (JobID, DeviceID, StatusDetails): other characters become `_`. */
export function nmtoken(value: string): string {
  const token = value.replace(/[^\p{L}\p{N}._:-]/gu, '_');
  return token === '' ? '_' : token;
}

export function isNmtoken(value: string): boolean {
  return /^[\p{L}\p{N}._:-]+$/u.test(value);
}

/** xs:dateTime in UTC. */
export function xmlTime(ms: number): string {
  return new Date(ms).toISOString();
}
