import { ServiceError } from '../errors.js';

function invalid(message: string): ServiceError {
  return new ServiceError(400, 'InvalidParameter', message);
}

/** Reads a positive integer query parameter (PageNumber, PageSize). */
export function positiveInt(query: Record<string, string>, name: string, fallback: number): number {
  const raw = query[name];
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw invalid(`The parameter ${name} must be a positive integer, but "${raw}" was given.`);
  return Number(raw);
}

/** Reads an ISO 8601 time (StartTime, EndTime) as epoch ms, or undefined when absent or empty. */
export function isoTime(query: Record<string, string>, name: string): number | undefined {
  const raw = query[name];
  if (raw === undefined || raw === '') return undefined;
  const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(t)) throw invalid(`The parameter ${name} must be an ISO 8601 UTC time such as 2020-11-08T16:00:00Z, but "${raw}" was given.`);
  return t;
}

/** One 1-based page of a list. */
export function page<T>(items: T[], pageNumber: number, pageSize: number): T[] {
  return items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
}
