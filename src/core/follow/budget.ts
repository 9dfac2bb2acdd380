import type { JobsApi } from '../ports/backends.js';

/**
 * One budget for every call of a follow: each call starts at least `spacingMs` after the one before, so no
 * window of a minute holds more than 60 000 / spacingMs calls, however many streams there are and whether a
 * call is a first attempt or a retry.
 */
export class CallBudget {
  #nextAt = -Infinity;

  constructor(
    private readonly spacingMs: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
  ) {}

  /** When the next call may start. */
  get readyAt(): number {
    return this.#nextAt;
  }

  /** Waits for a slot and takes it. */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      if (now >= this.#nextAt) {
        this.#nextAt = now + this.spacingMs;
        return;
      }
      await this.sleep(this.#nextAt - now, signal);
    }
  }

  /** The same JobsApi, its status, log and event reads spending this budget. */
  wrap(jobs: JobsApi, signal?: AbortSignal): JobsApi {
    const listEvents = jobs.listEvents?.bind(jobs);
    return {
      ...(listEvents
        ? {
            listEvents: async (id: string, query: Parameters<typeof listEvents>[1]) => {
              await this.take(signal);
              return listEvents(id, query);
            },
          }
        : {}),
      createJob: (body) => jobs.createJob(body),
      listJobs: (query) => jobs.listJobs(query),
      stopJob: (id) => jobs.stopJob(id),
      defaultStorage: (id) => jobs.defaultStorage(id),
      getJob: async (id) => {
        await this.take(signal);
        return jobs.getJob(id);
      },
      listLogs: async (id, query) => {
        await this.take(signal);
        return jobs.listLogs(id, query);
      },
    };
  }
}
