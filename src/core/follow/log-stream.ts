import type { JobsApi } from '../../cloud/types.js';

/** The page size asked for first; the reference's own example. A server that caps it lower is detected. */
export const INITIAL_LOG_PAGE_SIZE = 100;

/**
 * One stream of a job's log lines (one instance, or all of them unfiltered), read so that every line the
 * service holds is delivered exactly once and in order. The position is a count of lines delivered, not a
 * (page, offset) pair, so it survives a server that caps PageSize below what was asked: when a page comes
 * back short while TotalCount says there is more, the stream adopts the server's page size and reads again.
 */
export class LogStream {
  #delivered = 0;
  #pageSize = INITIAL_LOG_PAGE_SIZE;

  constructor(
    private readonly jobs: JobsApi,
    private readonly jobId: string,
    /** The instance to filter by; undefined reads the job's lines unfiltered. */
    readonly instanceId: string | undefined,
    /** Lines already delivered (when a stream takes over from another). */
    start = 0,
  ) {
    this.#delivered = start;
  }

  get delivered(): number {
    return this.#delivered;
  }

  /** Starts reading at this line instead (for a tail), before anything was delivered. */
  skipTo(position: number): void {
    if (this.#delivered === 0) this.#delivered = position;
  }

  /**
   * Reads every line past the position, page after page, handing each page's new lines to `deliver` as soon
   * as it arrives: if a later page fails, what was read is already delivered and the position is right, so
   * trying again neither loses nor repeats a line. Returns how many lines were delivered.
   */
  async poll(deliver: (lines: string[]) => void): Promise<number> {
    let count = 0;
    for (;;) {
      const size = this.#pageSize;
      const pageNumber = Math.floor(this.#delivered / size) + 1;
      const skip = this.#delivered - (pageNumber - 1) * size;
      const page = await this.jobs.listLogs(this.jobId, { pageNumber, pageSize: size, ...(this.instanceId ? { instanceId: this.instanceId } : {}) });
      if (page.notStarted) return count;
      const n = page.lines.length;
      const total = page.totalCount;
      if (n > 0 && n < size && total !== undefined && total > (pageNumber - 1) * size + n) {
        // The server gave fewer lines than asked while holding more: it caps the page size. Use its size.
        this.#pageSize = n;
        continue;
      }
      if (n > 0 && n < size && total === undefined && skip >= n) {
        // Without a TotalCount a capped page looks like the end of the list; reading on at the size the
        // server gave is right in both cases, so adopt it.
        this.#pageSize = n;
        continue;
      }
      const fresh = page.lines.slice(skip);
      this.#delivered += fresh.length;
      count += fresh.length;
      if (fresh.length > 0) deliver(fresh);
      if (n < size || fresh.length === 0) return count;
    }
  }
}
