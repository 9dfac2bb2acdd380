import { ApiError, NotFoundError } from '../../core/ports/errors.js';
import type { EventsPage, EventsQuery, JobsApi, ListJobsQuery, LogsPage, LogsQuery, TrainingJob } from '../../core/ports/backends.js';
import type { PaiClient } from './client.js';
import { Answer } from './answer.js';
import { toConfigValue, toCreatedId, toEventList, toJobList, toLogLines, toTrainingJob } from './mappers.js';

const PAI_STUDIO = '2022-01-12';
const AI_WORKSPACE = '2021-02-04';
const JOBS = '/api/v1/trainingjobs';

/**
 * PaiStudio's training-job calls and the workspace's default storage (docs/service.md; the routes as the emulator
 * serves them: test/emulator/README.md). Every answer is read through cloud/pai/answer.ts: a field of the wrong
 * type is an "unexpected answer" ApiError (exit 5), never a JavaScript error.
 */
export class PaiJobsApi implements JobsApi {
  constructor(
    private readonly pai: PaiClient,
    private readonly workspace: PaiClient,
    /** The session's region, named in not-found messages (jobs and workspaces are per region). */
    private readonly region?: string,
  ) {}

  async createJob(body: string): Promise<string> {
    let answer: unknown;
    try {
      answer = await this.pai.call<unknown>({ action: 'CreateTrainingJob', version: PAI_STUDIO, method: 'POST', pathname: JOBS, body });
    } catch (error) {
      // A workspace that does not exist: a not-found, or (as the emulator answers, following the model's
      // required WorkspaceId) an InvalidParameter that names WorkspaceId as not existing.
      const workspaceId = workspaceOf(body);
      if (
        workspaceId &&
        error instanceof ApiError &&
        (error.notFound ||
          (error.code === 'InvalidParameter' && /WorkspaceId/.test(error.message) && /not exist|does not exist|not found/i.test(error.message)))
      ) {
        throw this.#workspaceNotFound(workspaceId, 'CreateTrainingJob', error);
      }
      throw error;
    }
    return toCreatedId(Answer.of('CreateTrainingJob', answer));
  }

  async getJob(id: string): Promise<TrainingJob> {
    const body = await this.pai
      .call<unknown>({ action: 'GetTrainingJob', version: PAI_STUDIO, method: 'GET', pathname: `${JOBS}/${encodeURIComponent(id)}` })
      .catch((error: unknown) => {
        throw this.#jobNotFound(id, error);
      });
    const answer = Answer.of('GetTrainingJob', body);
    return toTrainingJob(answer.body, answer);
  }

  /**
   * `Order=DESC` as the official ListTrainingJobsRequest example writes it; `StartTime` whenever the caller
   * gives one, since without it the service lists only the last 7 days.
   */
  async listJobs(query: ListJobsQuery): Promise<{ jobs: TrainingJob[]; totalCount: number }> {
    const q: Record<string, string> = {
      WorkspaceId: query.workspaceId,
      PageNumber: String(query.pageNumber),
      PageSize: String(query.pageSize),
      SortBy: 'GmtCreateTime',
      Order: 'DESC',
    };
    if (query.status) q['Status'] = query.status;
    if (query.name) q['TrainingJobName'] = query.name;
    if (query.startTime) q['StartTime'] = query.startTime;
    let body: unknown;
    try {
      body = await this.pai.call<unknown>({ action: 'ListTrainingJobs', version: PAI_STUDIO, method: 'GET', pathname: JOBS, query: q });
    } catch (error) {
      if (error instanceof ApiError && error.notFound) throw this.#workspaceNotFound(query.workspaceId, 'ListTrainingJobs', error);
      throw error;
    }
    return toJobList(Answer.of('ListTrainingJobs', body));
  }

  async listLogs(id: string, query: LogsQuery): Promise<LogsPage> {
    const q: Record<string, string> = { PageNumber: String(query.pageNumber), PageSize: String(query.pageSize) };
    if (query.instanceId) q['InstanceId'] = query.instanceId;
    if (query.startTime) q['StartTime'] = query.startTime;
    if (query.endTime) q['EndTime'] = query.endTime;
    let body: unknown;
    try {
      body = await this.pai.call<unknown>({
        action: 'ListTrainingJobLogs',
        version: PAI_STUDIO,
        method: 'GET',
        pathname: `${JOBS}/${encodeURIComponent(id)}/logs`,
        query: q,
      });
    } catch (error) {
      // Before any instance exists the service answers this error: it means "no logs yet".
      if (error instanceof ApiError && error.code === 'TRAINING_JOB_INSTANCE_NOT_FOUND') return { lines: [], totalCount: 0, notStarted: true };
      throw error;
    }
    return { ...toLogLines(Answer.of('ListTrainingJobLogs', body)), notStarted: false };
  }

  /**
   * `GET .../{id}/events` with the query parameters of the official ListTrainingJobEventsRequest (the PAI Python
   * SDK's vendored PaiStudio client, list_training_job_events_with_options); unset ones are left out, since an
   * empty parameter is signed differently by the client and the gateway (test/emulator/README.md).
   */
  async listEvents(id: string, query: EventsQuery): Promise<EventsPage> {
    const q: Record<string, string> = { PageNumber: String(query.pageNumber), PageSize: String(query.pageSize) };
    if (query.startTime) q['StartTime'] = query.startTime;
    if (query.endTime) q['EndTime'] = query.endTime;
    const body = await this.pai
      .call<unknown>({ action: 'ListTrainingJobEvents', version: PAI_STUDIO, method: 'GET', pathname: `${JOBS}/${encodeURIComponent(id)}/events`, query: q })
      .catch((error: unknown) => {
        throw this.#jobNotFound(id, error);
      });
    return toEventList(Answer.of('ListTrainingJobEvents', body));
  }

  async stopJob(id: string): Promise<void> {
    await this.pai
      .call({ action: 'StopTrainingJob', version: PAI_STUDIO, method: 'PUT', pathname: `${JOBS}/${encodeURIComponent(id)}/stop` })
      .catch((error: unknown) => {
        throw this.#jobNotFound(id, error);
      });
  }

  async defaultStorage(workspaceId: string): Promise<string | undefined> {
    const body = await this.workspace
      .call<unknown>({
        action: 'ListConfigs',
        version: AI_WORKSPACE,
        method: 'GET',
        pathname: `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/configs`,
        query: { ConfigKeys: 'modelExportPath' },
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.notFound) throw this.#workspaceNotFound(workspaceId, 'ListConfigs', error);
        throw error;
      });
    return toConfigValue(Answer.of('ListConfigs', body), 'modelExportPath');
  }

  /** A not-found answer about a job as NotFoundError (exit 2); anything else unchanged. */
  #jobNotFound(id: string, error: unknown): unknown {
    if (!(error instanceof ApiError && error.notFound)) return error;
    const where = this.region ? ` in region ${this.region}` : '';
    return new NotFoundError(
      'job',
      id,
      `No training job ${id}${where} (${error.action ?? 'the service'} answered ${error.code})`,
      `Check the id: \`pai-process list\` shows the workspace's recent jobs (\`--since 30d\` to look further back); a job in another region needs --region.`,
    ).from(error.answer);
  }

  #workspaceNotFound(workspaceId: string, action: string, error: ApiError): NotFoundError {
    const where = this.region ? ` in region ${this.region}` : '';
    return new NotFoundError(
      'workspace',
      workspaceId,
      `No PAI workspace ${workspaceId}${where} (${action} answered ${error.code})`,
      "Find the workspace id in the PAI console (the workspace list of the job's region), and `pai-process config show` says where this one came from.",
    ).from(error.answer);
  }
}

function workspaceOf(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { WorkspaceId?: unknown }).WorkspaceId;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
  } catch {
    return undefined;
  }
}
