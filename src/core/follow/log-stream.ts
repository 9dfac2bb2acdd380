import type { JobsApi } from '../ports/backends.js';
import { ApiError, InterruptedError } from '../errors.js';

/** The page size asked for first; the reference's own example. A server that caps it lower is detected. */
export const INITIAL_LOG_PAGE_SIZE = 100;

/**
 * The smallest page size a stream adopts from one short page. The PAI Python SDK reads with PageSize 20, so the
 * service serves pages of at least 20; a shorter page is taken for a cap only once the next page proves it.
 */
export const MIN_LOG_PAGE_SIZE = 20;

/** What one page read did. */
export interface PageRead {
  /** Lines delivered by this read. */
  count: number;
  /** The stream knows there is more to read right now (a full page, and TotalCount not reached). */
  more: boolean;
}

/**
 * One stream of a job's log lines (one instance, or all of them unfiltered), read so that every line the
 * service holds is delivered exactly once and in order. The position is a count of lines delivered, not a
 * (page, offset) pair, so it survives a change of page size.
 *
 * The page size is 100 at first. A server that caps it lower is detected once (a short page while TotalCount
 * says there is more, or a page shorter than the position already delivered within it) and its size adopted:
 * at once when it is 20 or more, and below 20 only when the next page at that size holds lines (a TotalCount
 * merely ahead of the lines leaves it empty; then TotalCount is never read as a cap again). After that a short
 * page is simply the end of what is served. So a TotalCount that runs ahead of the lines, or a short last page,
 * never shrinks the requests: a read of a quiet stream stays one call.
 *
 * Two answers would make a reader loop or repeat lines, and are protocol errors (retryable ApiErrors; the retry
 * policy bounds them): a page longer than asked for, and the same full page served again for the next
 * PageNumber (a server that ignores PageNumber).
 */
export class LogStream {
  #delivered = 0;
  #pageSize = INITIAL_LOG_PAGE_SIZE;
  #adopted = false;
  /**
   * The lines of the last full page read, to recognise them if the next page number serves them again. Set only
   * by a full read, which leaves the position at that page's end, and cleared when the page size changes: so
   * while it is set, the next read asks for the page after it, at its size.
   */
  #lastFull: string[] | undefined;
  #reading = false;
  /** TotalCount was seen ahead of the lines served: a short page is the end, not a cap. */
  #totalAhead = false;

  constructor(
    private readonly jobs: JobsApi,
    private readonly jobId: string,
    /** The instance to filter by; undefined reads the job's lines unfiltered. */
    readonly instanceId: string | undefined,
  ) {}

  get delivered(): number {
    return this.#delivered;
  }

  /** A read is under way: its lines may still arrive. */
  get reading(): boolean {
    return this.#reading;
  }

  get pageSize(): number {
    return this.#pageSize;
  }

  /** Starts reading at this line instead (for a tail), before anything was delivered. */
  skipTo(position: number): void {
    if (this.#delivered === 0) this.#delivered = position;
  }

  /**
   * Reads one page past the position and hands its new lines to `deliver` at once, so that if a later read
   * fails, what was read is delivered and the position is right: trying again neither loses nor repeats.
   */
  async readPage(deliver: (lines: string[]) => void, signal?: AbortSignal): Promise<PageRead> {
    if (signal?.aborted) throw new InterruptedError('Interrupted');
    const size = this.#pageSize;
    const pageNumber = Math.floor(this.#delivered / size) + 1;
    const skip = this.#delivered - (pageNumber - 1) * size;
    this.#reading = true;
    const page = await this.jobs
      .listLogs(this.jobId, { pageNumber, pageSize: size, ...(this.instanceId ? { instanceId: this.instanceId } : {}) })
      .finally(() => (this.#reading = false));
    if (page.notStarted) return { count: 0, more: false };
    const n = page.lines.length;
    const total = page.totalCount;
    if (n > size) throw protocolError(`ListTrainingJobLogs answered ${n} lines for PageSize ${size} (page ${pageNumber}${this.#where()})`);
    const last = this.#lastFull;
    // A page of identical lines served again cannot be told from new identical lines by its text, but it can by
    // TotalCount: a full page past the count cannot be new lines (otherwise such a job loops without end).
    const pastTotal = (pageNumber - 1) * size + n > (total ?? Infinity);
    if (last && sameLines(last, page.lines) && (!uniform(page.lines) || pastTotal)) {
      throw protocolError(
        `ListTrainingJobLogs served page ${pageNumber - 1} again when asked for page ${pageNumber}${this.#where()}: the service ignores PageNumber`,
      );
    }
    if (!this.#adopted && n > 0 && n < size) {
      const holdsMore = total !== undefined ? !this.#totalAhead && total > (pageNumber - 1) * size + n : skip >= n;
      // The server gave fewer lines than asked while holding more: it caps the page size, or its TotalCount runs
      // ahead of the lines it serves. A page of 20 or more is adopted as it is (the SDK's own size: never a
      // collapse); a shorter one only once the next page at that size proves there is more.
      if (holdsMore && (n >= MIN_LOG_PAGE_SIZE || total === undefined || (pageNumber === 1 && (await this.#probe(n))))) {
        this.#adopted = true;
        this.#pageSize = n;
        this.#lastFull = undefined;
        return { count: 0, more: true };
      }
      // TotalCount ran ahead (without one, a page that holds more was adopted above): never read it as a cap
      // again (one probe per stream at most).
      if (holdsMore) this.#totalAhead = true;
    }
    const fresh = page.lines.slice(skip);
    this.#delivered += fresh.length;
    if (fresh.length > 0) deliver(fresh);
    const full = n === size;
    this.#lastFull = full ? page.lines : undefined;
    // Stop at TotalCount when the service gives one: a full last page needs no empty read after it.
    return { count: fresh.length, more: full && (total === undefined || total > this.#delivered) };
  }

  /** Whether page 2 at `size` holds lines: page 1 was short because the server caps pages at `size`. */
  async #probe(size: number): Promise<boolean> {
    const page = await this.jobs.listLogs(this.jobId, { pageNumber: 2, pageSize: size, ...(this.instanceId ? { instanceId: this.instanceId } : {}) });
    return !page.notStarted && page.lines.length > 0;
  }

  /** Reads every line past the position, page after page. Returns how many lines were delivered. */
  async poll(deliver: (lines: string[]) => void, signal?: AbortSignal): Promise<number> {
    let count = 0;
    for (;;) {
      const read = await this.readPage(deliver, signal);
      count += read.count;
      if (!read.more) return count;
    }
  }

  #where(): string {
    return this.instanceId ? `, instance ${this.instanceId}` : '';
  }
}

function protocolError(message: string): ApiError {
  return new ApiError(message, {
    code: 'LogPagingBroken',
    retryable: true,
    action: 'ListTrainingJobLogs',
    hint: 'The service answered log pages inconsistently; the job is not affected. Try again later, or read its logs in the console.',
  });
}

function sameLines(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}

/** A page whose lines are all the same text: a repeat of it cannot be told from new lines that look alike. */
function uniform(lines: string[]): boolean {
  return lines.every((line) => line === lines[0]);
}
