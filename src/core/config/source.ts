import { isCollection, isMap, isScalar, isPair, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { isJsonNumber, structuredText } from './parameter-text.js';
import { ConfigError } from '../errors.js';
import type { Diagnostic } from '../diagnostics.js';

/** A parsed job config and the means to point at any of its values. */
export interface ConfigSource {
  /** The file it came from, when there is one. */
  file: string | undefined;
  data: unknown;
  /** Line and column of the value at `path` (or of its key, with `key: true`), when known. */
  locate(path: readonly (string | number)[], options?: { key?: boolean }): Position | undefined;
}

export interface Position {
  line: number;
  column: number;
}

/**
 * Maps whose scalar values reach the job as text. A user who writes `lr: 1.0` means the string "1.0",
 * not the number 1 that YAML would give, so these keep the source text of plain scalars.
 */
const TEXT_KEEPING_MAPS = ['parameters', 'environments', 'labels'];

/**
 * Parses YAML or JSON (JSON is read by the YAML parser too, so numbers keep their text and every
 * value has a line). A syntax error becomes a ConfigError naming the line and column.
 */
export function parseConfigText(text: string, file: string | undefined): ConfigSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const diagnostics = doc.errors.map((e): Diagnostic => {
      const at = e.linePos?.[0];
      const d: Diagnostic = { path: '', message: syntaxMessage(e.message), file, line: at?.line, column: at?.col };
      const frame = e.message.split('\n\n').slice(1).join('\n\n').replace(/\n+$/, '');
      if (frame) d.frame = frame;
      return d;
    });
    throw new ConfigError(`${describe(file)} is not valid YAML or JSON`, diagnostics, 'Fix the syntax at the line and column shown.');
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    // The yaml library refuses documents whose aliases would expand without bound ("billion laughs").
    throw new ConfigError(`${describe(file)} could not be read: ${(error as Error).message}`, [], 'Use fewer YAML aliases (*name); write the values out.');
  }
  keepScalarText(doc, data);
  const locate = (path: readonly (string | number)[], options?: { key?: boolean }): Position | undefined => {
    const node = options?.key ? findKey(doc, path) : findNode(doc, path);
    const offset = node?.range?.[0];
    if (offset === undefined) return undefined;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  return { file, data, locate };
}

/** A config that came from code (a .js config or package.json) has no positions to report. */
export function plainSource(data: unknown, file: string | undefined): ConfigSource {
  return { file, data, locate: () => undefined };
}

// --- internal ---

function describe(file: string | undefined): string {
  return file ?? 'The job config';
}

/** The parser's message without its trailing "at line L, column C:" and code frame, which we render ourselves. */
function syntaxMessage(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function keepScalarText(doc: Document, data: unknown): void {
  if (!isObject(data)) return;
  for (const mapKey of TEXT_KEEPING_MAPS) {
    const map = doc.get(mapKey, true);
    const target = data[mapKey];
    if (!isMap(map) || !isObject(target)) continue;
    for (const pair of map.items) {
      const { key, value } = pair as { key: unknown; value: unknown };
      // A list or map hyperparameter reaches the job as JSON text, its numbers as written (`[1.0, 2]`).
      if (mapKey === 'parameters' && isScalar(key) && isCollection(value)) {
        target[String(key.value)] = nodeText(value as Node, target[String(key.value)]);
        continue;
      }
      if (!isScalar(key) || !isScalar(value)) continue;
      const plainNonString = value.type === 'PLAIN' && value.value !== null && typeof value.value !== 'string';
      if (plainNonString && typeof value.source === 'string') target[String(key.value)] = value.source;
    }
  }
}

/** A list or map node as JSON text (parameter-text.ts), each plain number with its source text. */
function nodeText(node: Node, js: unknown): string {
  if (isSeq(node)) return `[${node.items.map((item, i) => nodeText(item as Node, (js as unknown[])[i])).join(', ')}]`;
  if (isMap(node)) {
    return `{${node.items
      .map((pair) => {
        const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        return `${JSON.stringify(name)}: ${nodeText(pair.value as Node, (js as Record<string, unknown>)[name])}`;
      })
      .join(', ')}}`;
  }
  if (isScalar(node) && node.type === 'PLAIN' && typeof node.value === 'number' && typeof node.source === 'string' && isJsonNumber(node.source))
    return node.source;
  // Anything else (an alias, a quoted string, true, null): its value.
  return structuredText(js);
}

function findNode(doc: Document, path: readonly (string | number)[]): Node | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (node && typeof node === 'object') return node as Node;
  }
  return undefined;
}

/** The key node of the last path segment, so "unknown key" points at the key itself. */
function findKey(doc: Document, path: readonly (string | number)[]): Node | undefined {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  const name = path[path.length - 1];
  if (isMap(parent)) {
    for (const pair of parent.items) {
      if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === String(name)) return pair.key;
    }
  }
  return findNode(doc, path);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
