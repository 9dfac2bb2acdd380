import { ApiError } from '../../core/errors.js';
import type { JobsApi, ListJobsQuery, LogsPage, LogsQuery, TrainingJob } from '../types.js';
import type { PaiClient } from './client.js';
import { toTrainingJob } from './mappers.js';

const PAI_STUDIO = '2022-01-12';
const AI_WORKSPACE = '2021-02-04';
const JOBS = '/api/v1/trainingjobs';

/** PaiStudio's training-job calls (pai-api.md section 2), and the workspace's default storage. */
export class PaiJobsApi implements JobsApi {
  constructor(
    private readonly pai: PaiClient,
    private readonly workspace: PaiClient,
  ) {}

  async createJob(body: string): Promise<string> {
    const answer = await this.pai.call<{ TrainingJobId?: string }>({ action: 'CreateTrainingJob', version: PAI_STUDIO, method: 'POST', pathname: JOBS, body });
    if (!answer.TrainingJobId) throw new ApiError('CreateTrainingJob answered without a TrainingJobId', { code: 'InvalidResponse', retryable: false });
    return answer.TrainingJobId;
  }

  async getJob(id: string): Promise<TrainingJob> {
    const body = await this.pai.call<Record<string, unknown>>({ action: 'GetTrainingJob', version: PAI_STUDIO, method: 'GET', pathname: `${JOBS}/${encodeURIComponent(id)}` });
    return toTrainingJob(body);
  }

  async listJobs(query: ListJobsQuery): Promise<{ jobs: TrainingJob[]; totalCount: number }> {
    const q: Record<string, string> = { WorkspaceId: query.workspaceId, PageNumber: String(query.pageNumber), PageSize: String(query.pageSize), SortBy: 'GmtCreateTime', Order: 'desc' };
    if (query.status) q['Status'] = query.status;
    if (query.name) q['TrainingJobName'] = query.name;
    const body = await this.pai.call<{ TrainingJobs?: Record<string, unknown>[]; TotalCount?: number | string }>({ action: 'ListTrainingJobs', version: PAI_STUDIO, method: 'GET', pathname: JOBS, query: q });
    return { jobs: (body.TrainingJobs ?? []).map(toTrainingJob), totalCount: Number(body.TotalCount ?? 0) };
  }

  async listLogs(id: string, query: LogsQuery): Promise<LogsPage> {
    const q: Record<string, string> = { PageNumber: String(query.pageNumber), PageSize: String(query.pageSize) };
    if (query.instanceId) q['InstanceId'] = query.instanceId;
    if (query.startTime) q['StartTime'] = query.startTime;
    if (query.endTime) q['EndTime'] = query.endTime;
    try {
      const body = await this.pai.call<{ Logs?: unknown[]; TotalCount?: number | string }>({ action: 'ListTrainingJobLogs', version: PAI_STUDIO, method: 'GET', pathname: `${JOBS}/${encodeURIComponent(id)}/logs`, query: q });
      const total = body.TotalCount === undefined || body.TotalCount === '' ? undefined : Number(body.TotalCount);
      return { lines: (body.Logs ?? []).map(String), totalCount: Number.isFinite(total) ? total : undefined, notStarted: false };
    } catch (error) {
      // Before any instance exists the service answers this error: it means "no logs yet".
      if (error instanceof ApiError && error.code === 'TRAINING_JOB_INSTANCE_NOT_FOUND') return { lines: [], totalCount: 0, notStarted: true };
      throw error;
    }
  }

  async stopJob(id: string): Promise<void> {
    await this.pai.call({ action: 'StopTrainingJob', version: PAI_STUDIO, method: 'PUT', pathname: `${JOBS}/${encodeURIComponent(id)}/stop` });
  }

  async defaultStorage(workspaceId: string): Promise<string | undefined> {
    const body = await this.workspace.call<{ Configs?: { ConfigKey?: string; ConfigValue?: string }[] }>({
      action: 'ListConfigs',
      version: AI_WORKSPACE,
      method: 'GET',
      pathname: `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/configs`,
      query: { ConfigKeys: 'modelExportPath' },
    });
    return body.Configs?.find((c) => c.ConfigKey === 'modelExportPath')?.ConfigValue || undefined;
  }
}
