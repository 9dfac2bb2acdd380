import { ApiError } from '../../core/ports/errors.js';

/**
 * Reads a PAI answer field by field against the types of the official PaiStudio 2022-01-12 and AIWorkspace
 * 2021-02-04 models, so that a field of the wrong type ends as an ApiError (exit 5) that names the call, the
 * request id and the field, rather than as a JavaScript TypeError (exit 70) or as `[object Object]` on the
 * terminal. Absent fields (missing or null: the models' from_map treats both alike) stay absent; what an absent
 * field means is the caller's business.
 *
 * A message never repeats the value it refuses, only what kind of value it is: the value came from the service
 * and may hold terminal control characters.
 */
export class Answer {
  readonly action: string;
  /** The answer's RequestId, when it is one a terminal can show as it is. */
  readonly requestId: string | undefined;
  readonly body: Record<string, unknown>;

  private constructor(action: string, body: Record<string, unknown>) {
    this.action = action;
    this.body = body;
    const id = body['RequestId'];
    this.requestId = typeof id === 'string' && REQUEST_ID.test(id) ? id : undefined;
  }

  /** The whole answer must be a JSON object (every model's response body is one). */
  static of(action: string, body: unknown): Answer {
    if (!isRecord(body)) {
      // No object: no RequestId to name either.
      throw unexpected(action, undefined, `the answer is ${what(body)}, not an object`);
    }
    return new Answer(action, body);
  }

  /** Refuses the answer: "unexpected answer from PAI (<action>, request id <id>): <field> is <what>". */
  refuse(field: string, description: string): never {
    throw unexpected(this.action, this.requestId, `${field} ${description}`);
  }

  /** A string field; absent → undefined. */
  string(value: unknown, field: string): string | undefined {
    if (value === undefined || value === null || typeof value === 'string') return value ?? undefined;
    return this.refuse(field, `is ${what(value)}, not a string`);
  }

  /**
   * A whole number ≥ 0, sent as a number or as a numeric string (the models type some counts as strings, such
   * as ListTrainingJobLogs' TotalCount, and others as integers); absent or empty → undefined.
   */
  count(value: unknown, field: string): number | undefined {
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'number') {
      if (Number.isSafeInteger(value) && value >= 0) return value;
      return this.refuse(field, `is ${what(value)}, not a whole number of 0 or more`);
    }
    if (typeof value === 'string') {
      const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
      if (Number.isSafeInteger(n)) return n;
      return this.refuse(field, 'is a string that is not a whole number');
    }
    return this.refuse(field, `is ${what(value)}, not a number`);
  }

  /** An object field; absent → undefined. */
  object(value: unknown, field: string): Record<string, unknown> | undefined {
    if (value === undefined || value === null) return undefined;
    if (isRecord(value)) return value;
    return this.refuse(field, `is ${what(value)}, not an object`);
  }

  /** An array field; absent → []. */
  array(value: unknown, field: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value;
    return this.refuse(field, `is ${what(value)}, not an array`);
  }

  /** An array of objects (the models' List[SomeModel]); absent → []. */
  objects(value: unknown, field: string): Record<string, unknown>[] {
    return this.array(value, field).map((item, i) => {
      if (isRecord(item)) return item;
      return this.refuse(`${field}[${i}]`, `is ${what(item)}, not an object`);
    });
  }

  /** An array of strings (the models' List[str]); absent → []. */
  strings(value: unknown, field: string): string[] {
    return this.array(value, field).map((item, i) => {
      if (typeof item === 'string') return item;
      return this.refuse(`${field}[${i}]`, `is ${what(item)}, not a string`);
    });
  }
}

/**
 * The client (@alicloud/openapi-client) itself refused an answer whose JSON is not an object (`[]`, `"x"`, `null`,
 * `5`) before we could read it; its Error says only "The value is not a object". Same message as Answer.of.
 */
export function notAnObject(action: string): ApiError {
  return unexpected(action, undefined, 'the answer is not a JSON object');
}

/** Request ids as the gateway writes them (a UUID in capitals); anything else is not shown. */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

function unexpected(action: string, requestId: string | undefined, detail: string): ApiError {
  return new ApiError(`unexpected answer from PAI (${action}, ${requestId ? `request id ${requestId}` : 'no request id'}): ${detail}`, {
    code: 'InvalidResponse',
    action,
    ...(requestId ? { requestId } : {}),
    // The same call answers the same way: trying again only delays the message. A create so answered may
    // still have made the job, which only a look-up can tell, never a second create.
    retryable: false,
    hint:
      action === 'CreateTrainingJob'
        ? "The job may have been created all the same: `pai-process list` shows the workspace's recent jobs. Report the request id to Alibaba Cloud support if this goes on."
        : "The service's answer does not match the PAI API; try again later, and report the request id to Alibaba Cloud support if this goes on.",
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What kind of value this is, in words; never the value itself, except a number. */
export function what(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return Number.isFinite(value) ? `the number ${value}` : 'a number that is not finite';
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'an object';
    case 'undefined':
      return 'absent';
    default:
      return `a ${typeof value}`;
  }
}
