// The PAI endpoints: PaiStudio 2022-01-12 training jobs, and aiworkspace 2021-02-04 ListConfigs.
// The two are separate products with separate endpoints (`pai.<region>.aliyuncs.com`,
// `aiworkspace.<region>.aliyuncs.com`: the SDK's pai/api/client_factory.py builds one client per
// product), so each is served on its own port by its own adapter, and neither answers the other's
// calls. Requests are routed by method and path, then checked against x-acs-version and x-acs-action
// as the API gateway does, so a client calling the wrong version or action name hears about it.
import type { Clock } from '../clock.js';
import type { CredentialStore } from '../credentials.js';
import { ServiceError } from '../errors.js';
import { safeDecode } from '../http-util.js';
import type { Answer, Call, Route, ServiceAdapter } from '../service.js';
import { authenticatePai, type NonceCache } from './auth.js';
import type { JobStore } from './jobs.js';
import { listTrainingJobEvents } from './events.js';
import { listTrainingJobLogs, type LogOptions } from './logs.js';
import { createTrainingJob, getTrainingJob, listTrainingJobs, notFound, parseJsonBody, stopTrainingJob } from './training-jobs.js';
import type { OssLookup } from './validate-create.js';
import { listConfigs } from './workspace.js';

export const PAISTUDIO_VERSION = '2022-01-12';
export const AIWORKSPACE_VERSION = '2021-02-04';

export interface PaiContext {
  jobs: JobStore;
  oss: OssLookup;
  credentials: CredentialStore;
  nonces: NonceCache;
  clock: Clock;
  serverNow(): number;
  maxSkewMs: number;
  region: string;
  /** Workspace id → its configs (modelExportPath, ...). Jobs may only be created in these. */
  workspaces: Map<string, Record<string, string>>;
  logs: LogOptions;
  /** ListTrainingJobs without StartTime lists the jobs of this many days back (0: all). */
  listWindowDays: number;
}

interface PaiRoute extends Route {
  /** Decoded path parameter: the job id or the workspace id. */
  param?: string;
}

/** Which product an adapter serves: PaiStudio (`pai.<region>`) or AIWorkspace (`aiworkspace.<region>`). */
export type PaiProduct = 'paistudio' | 'aiworkspace';

interface RouteDef {
  product: PaiProduct;
  method: string;
  pattern: RegExp;
  action: string;
  version: string;
}

const ROUTES: RouteDef[] = [
  { product: 'paistudio', method: 'POST', pattern: /^\/api\/v1\/trainingjobs$/, action: 'CreateTrainingJob', version: PAISTUDIO_VERSION },
  { product: 'paistudio', method: 'GET', pattern: /^\/api\/v1\/trainingjobs$/, action: 'ListTrainingJobs', version: PAISTUDIO_VERSION },
  { product: 'paistudio', method: 'GET', pattern: /^\/api\/v1\/trainingjobs\/([^/]+)$/, action: 'GetTrainingJob', version: PAISTUDIO_VERSION },
  { product: 'paistudio', method: 'GET', pattern: /^\/api\/v1\/trainingjobs\/([^/]+)\/logs$/, action: 'ListTrainingJobLogs', version: PAISTUDIO_VERSION },
  { product: 'paistudio', method: 'GET', pattern: /^\/api\/v1\/trainingjobs\/([^/]+)\/events$/, action: 'ListTrainingJobEvents', version: PAISTUDIO_VERSION },
  { product: 'paistudio', method: 'PUT', pattern: /^\/api\/v1\/trainingjobs\/([^/]+)\/stop$/, action: 'StopTrainingJob', version: PAISTUDIO_VERSION },
  { product: 'aiworkspace', method: 'GET', pattern: /^\/api\/v1\/workspaces\/([^/]+)\/configs$/, action: 'ListConfigs', version: AIWORKSPACE_VERSION },
];

function apiNotFound(detail: string): ServiceError {
  return new ServiceError(404, 'InvalidAction.NotFound', `Specified api is not found, please check your url and method. ${detail}`);
}

/** `now` is the services' clock (serverTimeOffsetMs included): the Date header says it, as the gateway's does. */
function json(status: number, body: Record<string, unknown>, requestId: string, now: number, errorCode?: string): Answer {
  return {
    status,
    headers: { 'content-type': 'application/json;charset=utf-8', 'x-acs-request-id': requestId, date: new Date(now).toUTCString() },
    body: JSON.stringify({ ...body, RequestId: requestId }),
    ...(errorCode !== undefined ? { errorCode } : {}),
  };
}

export function paiAdapter(ctx: PaiContext, product: PaiProduct = 'paistudio'): ServiceAdapter<PaiRoute> {
  const routes = ROUTES.filter((r) => r.product === product);
  const host = `${product === 'paistudio' ? 'pai' : 'aiworkspace'}.${ctx.region}.aliyuncs.com`;
  return {
    service: 'pai',

    route(call: Call): PaiRoute {
      const version = call.headers['x-acs-version'];
      const named = call.headers['x-acs-action'];
      for (const def of routes) {
        if (def.method !== call.method) continue;
        const m = def.pattern.exec(call.rawPath);
        if (!m) continue;
        const param = m[1] !== undefined ? safeDecode(m[1]) : undefined;
        const route: PaiRoute = { action: def.action, ...(param !== undefined ? { param } : {}) };
        if (version !== def.version) {
          route.error = apiNotFound(`${def.action} is served by version ${def.version}, not ${version ?? '(no x-acs-version)'}.`);
        } else if (named !== undefined && named !== def.action) {
          route.error = apiNotFound(`x-acs-action ${named} does not match ${call.method} ${call.rawPath} (${def.action}).`);
        }
        return route;
      }
      return { action: named ?? 'Unknown', error: apiNotFound(`${call.method} ${call.rawPath}`) };
    },

    authenticate(call: Call) {
      return authenticatePai(call, ctx);
    },

    handle(call: Call, route: PaiRoute): Answer {
      const id = route.param ?? '';
      const q = call.queryObj;
      const now = ctx.clock.now();
      let body: Record<string, unknown>;
      switch (route.action) {
        case 'CreateTrainingJob':
          body = createTrainingJob(ctx.jobs, call.body, ctx.oss, new Set(ctx.workspaces.keys()));
          break;
        case 'GetTrainingJob':
          body = getTrainingJob(ctx.jobs, id, ctx.region, now);
          break;
        case 'ListTrainingJobs':
          body = listTrainingJobs(ctx.jobs, q, now, ctx.listWindowDays);
          break;
        case 'StopTrainingJob':
          parseJsonBody(call.body);
          body = stopTrainingJob(ctx.jobs, id);
          break;
        case 'ListTrainingJobLogs':
        case 'ListTrainingJobEvents': {
          const job = ctx.jobs.get(id);
          if (!job) throw notFound(id);
          body =
            route.action === 'ListTrainingJobLogs'
              ? listTrainingJobLogs(ctx.jobs, job, q, ctx.logs)
              : listTrainingJobEvents(job, q, { maxPageSize: ctx.logs.maxPageSize });
          if (route.action === 'ListTrainingJobLogs') ctx.jobs.logRead(job);
          break;
        }
        case 'ListConfigs':
          body = listConfigs(ctx.workspaces, id, q);
          break;
        default:
          throw apiNotFound(route.action);
      }
      return json(200, body, call.requestId, ctx.serverNow());
    },

    errorAnswer(call: Call, _route: PaiRoute, error: ServiceError): Answer {
      return json(error.status, { Code: error.code, Message: error.message, HostId: host }, call.requestId, ctx.serverNow(), error.code);
    },

    journalExtras(call: Call) {
      let body: unknown;
      if (call.body.length > 0) {
        const text = call.body.toString('utf8');
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          body = text;
        }
      }
      return body === undefined ? {} : { body };
    },
  };
}
