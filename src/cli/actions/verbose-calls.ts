import type { Backends } from '../../core/ports/backends.js';
import type { IO } from '../../ui/io.js';

/**
 * With --verbose, every PAI and OSS call is named on stderr as it ends, with how long it took and the request id
 * when the answer carries one (`· PAI getJob 84 ms`), on success as on failure: what a user pastes into a ticket.
 */
export function traceCalls(backends: Backends, io: IO, clock: () => number): Backends {
  if (!io.verbose) return backends;
  return { jobs: traced(backends.jobs, 'PAI', io, clock), store: traced(backends.store, 'OSS', io, clock) };
}

function traced<T extends object>(target: T, service: string, io: IO, clock: () => number): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return async (...args: unknown[]) => {
        const started = clock();
        try {
          const result = (await (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args)) as unknown;
          io.err(`· ${service} ${prop} ${clock() - started} ms${requestIdOf(result)}\n`);
          return result;
        } catch (error) {
          io.err(`· ${service} ${prop} failed after ${clock() - started} ms${requestIdOf(error)}\n`);
          throw error;
        }
      };
    },
  });
}

function requestIdOf(value: unknown): string {
  const id = value && typeof value === 'object' ? (value as { requestId?: unknown }).requestId : undefined;
  return typeof id === 'string' && id !== '' ? `, request id ${id}` : '';
}
