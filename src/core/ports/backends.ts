/**
 * What core/ needs from PAI and OSS, and nothing about how it is asked. The adapters in src/cloud/pai and
 * src/cloud/oss implement these with the Alibaba libraries; tests may implement them in memory.
 */

export interface JobInstance {
  name: string;
  role?: string;
  status?: string;
}

export interface JobOutput {
  name: string;
  uri?: string;
  datasetId?: string;
}

/** A training job as GetTrainingJob and ListTrainingJobs describe it. */
export interface TrainingJob {
  id: string;
  name: string;
  status: string;
  reasonCode?: string;
  reasonMessage?: string;
  /** The console page of the job. */
  url?: string;
  createTime?: string;
  modifiedTime?: string;
  /** Seconds, as the service counts them. */
  duration?: number;
  instances: JobInstance[];
  outputs: JobOutput[];
  /** The statuses the job went through, oldest first. */
  transitions: StatusTransition[];
  labels: Record<string, string>;
  workspaceId?: string;
  /** How many instances the job asked for (ComputeResource EcsCount, or InstanceCount for quota resources). */
  requestedInstances?: number;
  /** Settings.JobReservedMinutes: how long instances are kept after the job ends (the *Reserving statuses). */
  reservedMinutes?: number;
}

export interface StatusTransition {
  status: string;
  startTime?: string;
  endTime?: string;
  reasonCode?: string;
  reasonMessage?: string;
}

export interface LogsQuery {
  pageNumber: number;
  pageSize: number;
  /** One instance's lines (`Instances[].Name`); all of them when absent. */
  instanceId?: string;
  /** ISO 8601 UTC, such as 2026-11-29T01:00:00Z. */
  startTime?: string;
  endTime?: string;
}

export interface LogsPage {
  lines: string[];
  /** The number of lines the service holds for the query, when it says. */
  totalCount: number | undefined;
  /** True when no instance exists yet (TRAINING_JOB_INSTANCE_NOT_FOUND): no logs yet, not a failure. */
  notStarted: boolean;
}

/** ListTrainingJobEvents (official PaiStudio 2022-01-12 ListTrainingJobEventsRequest: all query parameters). */
export interface EventsQuery {
  pageNumber: number;
  pageSize: number;
  /** UTC, as the model writes it: yyyy-MM-ddTHH:mmZ. Without it, from the job's start. */
  startTime?: string;
  endTime?: string;
}

/** One page of a job's events: the model types them as plain strings, with a TotalCount string. */
export interface EventsPage {
  events: string[];
  /** The number of events the service holds for the query, when it says. */
  totalCount: number | undefined;
}

export interface ListJobsQuery {
  workspaceId: string;
  pageNumber: number;
  pageSize: number;
  status?: string;
  name?: string;
  /** ISO 8601 UTC: list jobs created since then (without it the service lists the last 7 days). */
  startTime?: string;
}

export interface JobsApi {
  /** Sends the body as these exact bytes; returns the new job's id. */
  createJob(body: string): Promise<string>;
  getJob(id: string): Promise<TrainingJob>;
  listJobs(query: ListJobsQuery): Promise<{ jobs: TrainingJob[]; totalCount: number }>;
  listLogs(id: string, query: LogsQuery): Promise<LogsPage>;
  stopJob(id: string): Promise<void>;
  /**
   * The job's events (scheduling, image pulls, quota): why a job waits or failed without a log line. Optional
   * so that an in-memory JobsApi need not have it; without it there are simply no events to show.
   */
  listEvents?(id: string, query: EventsQuery): Promise<EventsPage>;
  /** The workspace's default storage (its modelExportPath), an oss:// URI, if it has one. */
  defaultStorage(workspaceId: string): Promise<string | undefined>;
}

export interface UploadProgress {
  /** Bytes sent so far. */
  sent: number;
  total: number;
  /** Files done so far and in all, when a folder goes up file by file. */
  files?: number;
  totalFiles?: number;
}

/** What a PUT may carry besides the bytes. */
export interface PutOptions {
  onProgress?: (p: UploadProgress) => void;
  signal?: AbortSignal;
  /** Base64 of the body's MD5, sent as Content-MD5 so OSS refuses a body damaged on the way. */
  contentMd5?: string;
  /** Stored as x-oss-meta-<name> headers. */
  meta?: Record<string, string>;
  /** Upload in parts of `size` bytes, each with its Content-MD5 (base64), instead of one PUT. */
  parts?: { size: number; contentMd5s: readonly string[] };
}

/** An object as HEAD describes it. */
export interface ObjectInfo {
  size: number;
  /** Upper-case, without quotes: a single PUT's MD5 in hex, or `<hex>-<parts>` for a multipart object. */
  etag?: string;
  /** x-oss-meta-* headers, keyed without the prefix. */
  meta?: Record<string, string>;
}

export interface ObjectStore {
  /** The object's size (and ETag and metadata when known), or undefined when there is no such object. */
  head(bucket: string, key: string): Promise<ObjectInfo | undefined>;
  /** Uploads a file: one PUT below the multipart threshold (or without `parts`), parallel parts above it. */
  putFile(bucket: string, key: string, path: string, options?: PutOptions): Promise<void>;
  /** Uploads bytes held in memory in one PUT. */
  putContent(bucket: string, key: string, body: Buffer, options?: Omit<PutOptions, 'parts'>): Promise<void>;
  /** Downloads an object into a file (the local runner's oss:// inputs); the file's folder must exist. */
  getFile(bucket: string, key: string, path: string): Promise<void>;
  /**
   * Streams an object into `path` (created or replaced), telling `onBytes` of each chunk; returns the size and
   * ETag GET answered and the bytes written (`pai-process outputs --download`). Optional: stores that only upload
   * need not have it.
   */
  download?(
    bucket: string,
    key: string,
    path: string,
    options?: { onBytes?: (n: number) => void; signal?: AbortSignal },
  ): Promise<{ size: number; etag?: string; written: number }>;
  /** Every object whose key starts with `prefix`, in key order, across all pages. */
  list(bucket: string, prefix: string): Promise<ListedObject[]>;
  /** The bucket's region (`cn-hangzhou`), or undefined when the credentials may not ask (GetBucketInfo refused). Optional: a store without regions (the emulator's in-process one) is never asked. */
  bucketRegion?(bucket: string): Promise<string | undefined>;
  /** The store's tuning: files from `threshold` bytes go up in parts of `partSize` (when it has one). */
  readonly multipart?: { threshold: number; partSize: number };
}

export interface ListedObject {
  key: string;
  size: number;
  /** Upper-case, without quotes (see ObjectInfo.etag). */
  etag?: string;
}

/** The two services a command talks to. */
export interface Backends {
  jobs: JobsApi;
  store: ObjectStore;
}

/** A host and the scheme to reach it with. */
export interface Endpoint {
  host: string;
  protocol: 'https' | 'http';
}

/** Where the adapters send their requests: what they need of a resolved session, and nothing else. */
export interface BackendSite {
  region: string;
  /** PaiStudio (jobs). */
  endpoint: Endpoint;
  /** AIWorkspace (a workspace's default storage). */
  workspaceEndpoint: Endpoint;
  ossEndpoint: Endpoint;
}

/**
 * Explicit timeouts (PAI calls connect in 10 s and answer in 30 s; an OSS request may take 120 s) and the
 * multipart sizes (16 MiB threshold, 8 MiB parts). Tests shorten them.
 */
export interface Timeouts {
  connectMs?: number;
  readMs?: number;
  ossMs?: number;
  multipartThreshold?: number;
  partSize?: number;
  /** ali-oss's own retries of a network failure (each part on its own), before ours. Default 3. */
  ossRetries?: number;
}
