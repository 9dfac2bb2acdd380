import type { ErrorObject, ValidateFunction } from 'ajv';
import { didYouMean, type Diagnostic } from '../diagnostics.js';
import { validate as generated } from './job-config.validator.generated.js';
import { diagnosticAt } from './locate.js';
import type { ConfigSource } from './source.js';

/**
 * Checks a job config against the schema and returns every problem at once, each with its key path,
 * its line when the config came from a file, and where a flag set it. Unknown keys get a "did you mean".
 */
export function validateShape(data: unknown, source: ConfigSource | undefined, origins: ReadonlyMap<string, string>): ShapeProblem[] {
  if (validate(data)) return [];
  const problems = dropAnyOfBranches(validate.errors ?? []).map((e) => toProblem(e, source, origins));
  return dropCoveredRequired(problems);
}

/** A schema violation, with the key path it concerns as segments. */
export interface ShapeProblem {
  segments: (string | number)[];
  diagnostic: Diagnostic;
  /** For an unknown key: the known key it probably meant. */
  meant?: string;
}

// --- internal ---

// Compiled ahead of time by scripts/job-config-validator.ts (ajv's compiler costs ~100 ms at start-up), with
// allErrors and verbose: errors carry the data and the parent schema (its x-message).
const validate = generated as unknown as ValidateFunction;

/** An anyOf failure explains itself (x-message); the failures of each of its branches would only confuse. */
function dropAnyOfBranches(errors: ErrorObject[]): ErrorObject[] {
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath + '/');
  const named = errors.filter((e) => e.keyword === 'propertyNames').map((e) => e.schemaPath + '/');
  return errors.filter((e) => ![...anyOfs, ...named].some((prefix) => e.schemaPath.startsWith(prefix)));
}

/** `imag_uri` unknown, did you mean `image_uri`? already says what "image_uri is required" would. */
function dropCoveredRequired(problems: ShapeProblem[]): ShapeProblem[] {
  const meant = new Set(problems.filter((p) => p.meant).map((p) => [...p.segments.slice(0, -1), p.meant].join('.')));
  return problems.filter((p) => !(p.diagnostic.message === 'is required' && meant.has(p.segments.join('.'))));
}

function toProblem(e: ErrorObject, source: ConfigSource | undefined, origins: ReadonlyMap<string, string>): ShapeProblem {
  const segments = pointerSegments(e.instancePath);
  let target = segments;
  let atKey = false;
  let message: string;
  let meant: string | undefined;
  const custom = (e.parentSchema as Record<string, unknown> | undefined)?.['x-message'];
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params['additionalProperty']);
      target = [...segments, key];
      atKey = true;
      const known = Object.keys(((e.parentSchema as { properties?: object }).properties ?? {}) as object);
      const guess = didYouMean(key, known);
      meant = guess;
      message = `unknown key "${key}"` + (guess ? `; did you mean "${guess}"?` : known.length ? `; known keys: ${known.join(', ')}` : '');
      break;
    }
    case 'required': {
      const key = String(e.params['missingProperty']);
      target = [...segments, key];
      message = `is required`;
      break;
    }
    case 'propertyNames': {
      const key = String(e.params['propertyName']);
      target = [...segments, key];
      atKey = true;
      const schema = (e.schema ?? {}) as Record<string, unknown>;
      message = String(schema['x-message'] ?? 'is not a valid name');
      break;
    }
    case 'type':
      message = `must be ${article(String(e.params['type']))}, not ${describeValue(e.data)}`;
      break;
    case 'enum': {
      const allowed = (e.params['allowedValues'] as unknown[]).map(String);
      const guess = typeof e.data === 'string' ? didYouMean(e.data, allowed) : undefined;
      message = `must be one of ${allowed.join(', ')}` + (guess ? `; did you mean "${guess}"?` : `, not ${describeValue(e.data)}`);
      break;
    }
    case 'minLength':
      message = 'must not be empty';
      break;
    case 'minItems':
      message = 'must not be an empty list';
      break;
    case 'minimum':
      message = `must be at least ${String(e.params['limit'])}`;
      break;
    case 'exclusiveMinimum':
      message = `must be greater than ${String(e.params['limit'])}`;
      break;
    default:
      message = typeof custom === 'string' ? custom : (e.message ?? 'is not valid');
  }
  if (e.keyword === 'anyOf' || e.keyword === 'pattern') {
    message = typeof custom === 'string' ? custom : message;
  }
  const problem: ShapeProblem = { segments: target, diagnostic: diagnosticAt(target, message, source, origins, { key: atKey }) };
  if (meant) problem.meant = meant;
  return problem;
}

function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function article(types: string): string {
  const names = types
    .split(',')
    .map((t) => ({ string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false', object: 'a mapping', array: 'a list' })[t] ?? t);
  return names.join(' or ');
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v)}`;
  return `${typeof v} ${String(v)}`;
}
