// ListTrainingJobEvents, and the canned events a script can emit. The official PaiStudio 2022-01-12 model
// (ListTrainingJobEventsRequest / ResponseBody, in the PAI Python SDK's vendored
// pai/libs/alibabacloud_paistudio20220112/models.py and the official TypeScript model) defines the request as
// query parameters StartTime, EndTime (UTC, yyyy-MM-ddTHH:mmZ), PageNumber, PageSize (default 100) and Token,
// and the answer as {Events: List[str], RequestId, TotalCount: str}. What an event string says is not documented
// where we looked: the emulator writes `<ISO time, seconds> <text>`, and the canned kinds below in the
// Kubernetes wording `<Type> <Reason>: <message>`, as a scheduler and a kubelet report them.
import type { Job } from './jobs.js';
import { isoTime, page, positiveInt } from './paging.js';

/** PageSize when the request has none: the model's documented default. */
export const EVENTS_DEFAULT_PAGE_SIZE = 100;

/** A canned event kind, or an event spelled out. */
export type EventSpec = 'scheduling' | 'image-pull-failure' | 'insufficient-quota' | { type?: 'Normal' | 'Warning'; reason: string; message: string };

/** The text of an event a script step emits (the time is prefixed when it is stored). */
export function eventText(job: Job, spec: EventSpec): string {
  const image = imageOf(job);
  switch (spec) {
    case 'scheduling':
      return `Warning FailedScheduling: 0/8 nodes are available: 8 Insufficient cpu. The job ${job.id} waits for resources to be released.`;
    case 'image-pull-failure':
      return `Warning ImagePullBackOff: Back-off pulling image "${image}": failed to pull and unpack image "${image}": not found or no pull access`;
    case 'insufficient-quota':
      return `Warning InsufficientQuota: the resource quota of workspace ${job.workspaceId} is not enough for ${job.id}: it asks for more than is free; the job stays in Queuing until quota is released.`;
    default:
      return `${spec.type ?? 'Normal'} ${spec.reason}: ${spec.message}`;
  }
}

export interface EventOptions {
  maxPageSize: number;
}

/**
 * One page of a job's events, in emission order. StartTime and EndTime (inclusive) filter by emission time;
 * Token is accepted and has no effect (the model has it; what it does is not documented). The server caps
 * PageSize as for logs. `Events` is always present, an empty list on an empty page.
 */
export function listTrainingJobEvents(job: Job, query: Record<string, string>, opts: EventOptions): Record<string, unknown> {
  const start = isoTime(query, 'StartTime');
  const end = isoTime(query, 'EndTime');
  const pageNumber = positiveInt(query, 'PageNumber', 1);
  const pageSize = Math.min(positiveInt(query, 'PageSize', EVENTS_DEFAULT_PAGE_SIZE), opts.maxPageSize);
  const events = job.events.filter((e) => (start === undefined || e.time >= start) && (end === undefined || e.time <= end));
  return { Events: page(events, pageNumber, pageSize).map((e) => e.text), TotalCount: String(events.length) };
}

function imageOf(job: Job): string {
  const spec = job.spec['AlgorithmSpec'];
  const image = spec && typeof spec === 'object' ? (spec as Record<string, unknown>)['Image'] : undefined;
  return typeof image === 'string' && image ? image : 'the image';
}
