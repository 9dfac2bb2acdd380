import type { Backends, JobsApi, ObjectStore } from './ports/backends.js';
import type { Retrying } from './runtime.js';

/** The adapter a retrying JobsApi was built over, and its policy: what `jobsBeneath` rebuilds from. */
const built = new WeakMap<JobsApi, { raw: JobsApi; retrying: Retrying }>();

/**
 * The backends every command uses: each JobsApi and ObjectStore method goes through the retry policy, except
 * the create (CreateTrainingJob is not idempotent: src/core/submit.ts sends it at most once, with its own
 * look-up before any second send). Built once per command (src/cli/actions/connect.ts), so no call is wrapped
 * twice and no caller builds a retry wrapper of its own.
 */
export function retryingBackends(raw: Backends, retrying: Retrying): Backends {
  return { jobs: retryingJobs(raw.jobs, retrying), store: retryingStore(raw.store, retrying) };
}

export function retryingJobs(raw: JobsApi, retrying: Retrying): JobsApi {
  const listEvents = raw.listEvents?.bind(raw);
  const jobs: JobsApi = {
    createJob: (body) => raw.createJob(body),
    getJob: (id) => retrying(() => raw.getJob(id)),
    listJobs: (query) => retrying(() => raw.listJobs(query)),
    listLogs: (id, query) => retrying(() => raw.listLogs(id, query)),
    stopJob: (id) => retrying(() => raw.stopJob(id)),
    ...(listEvents ? { listEvents: (id: string, query: Parameters<typeof listEvents>[1]) => retrying(() => listEvents(id, query)) } : {}),
    defaultStorage: (workspaceId) => retrying(() => raw.defaultStorage(workspaceId)),
  };
  built.set(jobs, { raw, retrying });
  return jobs;
}

export function retryingStore(raw: ObjectStore, retrying: Retrying): ObjectStore {
  const download = raw.download?.bind(raw);
  const bucketRegion = raw.bucketRegion?.bind(raw);
  return {
    head: (bucket, key) => retrying(() => raw.head(bucket, key)),
    putFile: (bucket, key, path, options) => retrying(() => raw.putFile(bucket, key, path, options)),
    putContent: (bucket, key, body, options) => retrying(() => raw.putContent(bucket, key, body, options)),
    getFile: (bucket, key, path) => retrying(() => raw.getFile(bucket, key, path)),
    ...(download
      ? {
          download: (bucket: string, key: string, path: string, options?: Parameters<typeof download>[3]) =>
            retryingDownload(download, retrying, bucket, key, path, options),
        }
      : {}),
    list: (bucket, prefix) => retrying(() => raw.list(bucket, prefix)),
    ...(bucketRegion ? { bucketRegion: (bucket: string) => retrying(() => bucketRegion(bucket)) } : {}),
    ...(raw.multipart ? { multipart: raw.multipart } : {}),
  };
}

/** The adapter beneath a retrying JobsApi (one that does not retry is its own): for a caller that retries whole reads itself. */
export function adaptersOf(jobs: JobsApi): JobsApi {
  return built.get(jobs)?.raw ?? jobs;
}

/**
 * The same retrying JobsApi rebuilt with `layer` between the retry policy and the service, and with another
 * policy if given: the follow's call budget, which every attempt (a retry too) must pass (src/core/follow/budget.ts),
 * and the stop sent after Ctrl-C, which the interrupt must not end. A JobsApi that does not retry (a test's
 * in-memory one) gets the layer alone.
 */
export function jobsBeneath(jobs: JobsApi, change: { layer?: (raw: JobsApi) => JobsApi; retrying?: Retrying }): JobsApi {
  const layer = change.layer ?? ((raw: JobsApi) => raw);
  const found = built.get(jobs);
  if (!found) return layer(jobs);
  return retryingJobs(layer(found.raw), change.retrying ?? found.retrying);
}

/** A retried GET starts the file again: the bytes the failed attempt reported are taken back before it. */
function retryingDownload(
  download: NonNullable<ObjectStore['download']>,
  retrying: Retrying,
  bucket: string,
  key: string,
  path: string,
  options: Parameters<NonNullable<ObjectStore['download']>>[3],
): ReturnType<NonNullable<ObjectStore['download']>> {
  const onBytes = options?.onBytes;
  if (!onBytes) return retrying(() => download(bucket, key, path, options));
  let counted = 0;
  return retrying(() => {
    if (counted > 0) onBytes(-counted);
    counted = 0;
    return download(bucket, key, path, {
      ...options,
      onBytes: (n) => {
        counted += n;
        onBytes(n);
      },
    });
  });
}
