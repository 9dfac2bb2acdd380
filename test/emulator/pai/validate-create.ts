import { ServiceError } from '../errors.js';
import { createTrainingJobSchema, type FieldType } from './create-schema.js';

/** Answers whether an OSS location exists in the emulated OSS (used for CodeDir). */
export interface OssLookup {
  hasBucket(bucket: string): boolean;
  /** An object with exactly this key, or (for a key ending in '/') at least one object under it. */
  hasKeyOrPrefix(bucket: string, key: string): boolean;
}

function invalid(message: string): ServiceError {
  return new ServiceError(400, 'InvalidParameter', message);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks one value against its model type; `path` names it in the error (e.g. ComputeResource.EcsCount). */
function check(value: unknown, type: FieldType, path: string): void {
  if (value === null || value === undefined) return; // an explicit null is an unset field
  if (type === 'any') return;
  if (type === 'string' || type === 'number' || type === 'boolean') {
    const ok = type === 'number' ? typeof value === 'number' && Number.isFinite(value) : typeof value === type;
    if (!ok) throw invalid(`The parameter ${path} must be a ${type}, but ${describe(value)} was given.`);
    return;
  }
  if ('array' in type) {
    if (!Array.isArray(value)) throw invalid(`The parameter ${path} must be an array, but ${describe(value)} was given.`);
    value.forEach((item, i) => {
      check(item, type.array, `${path}[${i}]`);
    });
    return;
  }
  if (!isPlainObject(value)) throw invalid(`The parameter ${path} must be an object, but ${describe(value)} was given.`);
  if ('map' in type) {
    for (const [k, v] of Object.entries(value)) check(v, type.map, `${path}.${k}`);
    return;
  }
  checkFields(value, type.object, `${path}.`);
}

function checkFields(value: Record<string, unknown>, fields: Record<string, FieldType>, prefix: string): void {
  for (const [k, v] of Object.entries(value)) {
    const fieldType = fields[k];
    if (fieldType === undefined) {
      throw invalid(`The parameter ${prefix}${k} is not a field of CreateTrainingJob: unknown parameter ${prefix}${k}.`);
    }
    check(v, fieldType, `${prefix}${k}`);
  }
}

function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`The parameter ${path} is required.`);
  return value;
}

function checkLocation(loc: unknown, path: string, oss: OssLookup): void {
  if (!isPlainObject(loc)) return;
  const type = loc['LocationType'];
  if (typeof type !== 'string' || type.toLowerCase() !== 'oss') return; // only OSS locations can be checked here
  const value = loc['LocationValue'];
  if (!isPlainObject(value)) throw invalid(`The parameter ${path}.LocationValue is required for an OSS location.`);
  const bucket = requireString(value['Bucket'], `${path}.LocationValue.Bucket`);
  const key = requireString(value['Key'], `${path}.LocationValue.Key`);
  if (!oss.hasBucket(bucket)) throw invalid(`The parameter ${path} is invalid: the OSS bucket ${bucket} does not exist.`);
  if (!oss.hasKeyOrPrefix(bucket, key)) {
    throw invalid(`The parameter ${path} is invalid: oss://${bucket}/${key} does not exist.`);
  }
}

/**
 * Validates a CreateTrainingJob body the way the service does; throws a 400 ServiceError
 * naming the offending field. Returns the body as an object.
 */
export function validateCreateTrainingJob(body: unknown, oss: OssLookup, knownWorkspaces?: ReadonlySet<string>): Record<string, unknown> {
  if (!isPlainObject(body)) throw invalid('The request body must be a JSON object.');
  checkFields(body, createTrainingJobSchema, '');
  requireString(body['TrainingJobName'], 'TrainingJobName');
  const workspaceId = requireString(body['WorkspaceId'], 'WorkspaceId');
  if (knownWorkspaces && !knownWorkspaces.has(workspaceId)) {
    throw invalid(`The parameter WorkspaceId is invalid: workspace ${workspaceId} does not exist.`);
  }
  const spec = body['AlgorithmSpec'];
  const hasName = typeof body['AlgorithmName'] === 'string' && body['AlgorithmName'] !== '';
  if (isPlainObject(spec)) {
    requireString(spec['Image'], 'AlgorithmSpec.Image');
    const command = spec['Command'];
    if (!Array.isArray(command) || command.length === 0) throw invalid('The parameter AlgorithmSpec.Command is required.');
    checkLocation(spec['CodeDir'], 'AlgorithmSpec.CodeDir', oss);
  } else if (!hasName) {
    throw invalid('Either AlgorithmSpec (with Image and Command) or AlgorithmName is required.');
  }
  checkLocation(body['CodeDir'], 'CodeDir', oss);
  return body;
}
