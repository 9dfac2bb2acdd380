import type { JobsApi, TrainingJob } from '../ports/backends.js';
import { LogStream } from './log-stream.js';

/**
 * The log streams of a job, chosen from what the job asked for (its ComputeResource), never from how many
 * instances happen to be listed right now.
 *
 * - One instance asked for: one unfiltered stream, lines unprefixed, as the PAI Python SDK reads it.
 * - Several: one stream per instance in `Instances` (filtered by InstanceId, lines prefixed). While
 *   `Instances` is empty (not started yet, or a finished job whose pods are gone) the unfiltered stream.
 * - When the job does not say what it asked for: several streams only once several instances are listed.
 *
 * A position is never handed from the unfiltered stream to an instance's stream: the unfiltered count mixes
 * every instance's lines, so it means nothing in one instance's list. Once the unfiltered stream has delivered
 * a line (or while a read of it is under way) it stays the only stream for this follow; per-instance streams, once there, stay (new instances are
 * added).
 */
export class Streams {
  #single: LogStream | undefined;
  #byInstance = new Map<string, LogStream>();

  constructor(
    private readonly jobs: JobsApi,
    private readonly jobId: string,
    /** Read only this instance (`logs --worker NAME`), unprefixed. */
    private readonly only: string | undefined,
  ) {}

  /** Lines carry their instance's name when there is one stream per instance. */
  get prefixed(): boolean {
    return this.#byInstance.size > 0;
  }

  get size(): number {
    return this.all().length;
  }

  /** Whether this stream is still one of the job's streams (a dropped stream's late lines are not printed). */
  has(stream: LogStream): boolean {
    return this.all().includes(stream);
  }

  all(): LogStream[] {
    return this.#single ? [this.#single] : [...this.#byInstance.values()];
  }

  /** Chooses the streams for what the job says now; returns the streams added. */
  update(job: TrainingJob): LogStream[] {
    const before = new Set(this.all());
    this.#choose(job);
    return this.all().filter((s) => !before.has(s));
  }

  #choose(job: TrainingJob): void {
    if (this.only !== undefined) {
      this.#single ??= new LogStream(this.jobs, this.jobId, this.only);
      return;
    }
    const names = job.instances.map((i) => i.name);
    if (this.#byInstance.size > 0) {
      for (const name of names) if (!this.#byInstance.has(name)) this.#byInstance.set(name, new LogStream(this.jobs, this.jobId, name));
      return;
    }
    const several = job.requestedInstances !== undefined ? job.requestedInstances > 1 : names.length > 1;
    if (!several || names.length === 0 || (this.#single !== undefined && (this.#single.delivered > 0 || this.#single.reading))) {
      this.#single ??= new LogStream(this.jobs, this.jobId, undefined);
      return;
    }
    // Several instances and nothing printed from the unfiltered stream: one stream per instance, from the start.
    this.#single = undefined;
    for (const name of names) this.#byInstance.set(name, new LogStream(this.jobs, this.jobId, name));
  }
}
