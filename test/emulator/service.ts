// The request pipeline both emulated services share: read the body, name the action, apply an
// injected fault, verify the signature, do the work, answer, and journal what happened.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ServiceError } from './errors.js';
import type { ActiveFault, Faults } from './faults.js';
import { headerMap, newRequestId, parseUrl, queryObject, readBody } from './http-util.js';
import type { Journal, JournalEntry, SignatureCheck } from './journal.js';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
  errorCode?: string;
}

export interface Call {
  method: string;
  /** Path as sent (percent-encoded). */
  rawPath: string;
  query: Array<[string, string]>;
  queryObj: Record<string, string>;
  headers: Record<string, string>;
  body: Buffer;
  requestId: string;
  arrivedAt: number;
}

export interface Route {
  action: string;
  /** Set when the request names nothing this service has; answered after authentication. */
  error?: ServiceError;
}

export interface ServiceAdapter<R extends Route> {
  readonly service: 'pai' | 'oss';
  route(call: Call): R;
  authenticate(call: Call, route: R): { check: SignatureCheck; error?: ServiceError };
  handle(call: Call, route: R): Promise<Answer> | Answer;
  errorAnswer(call: Call, route: R, error: ServiceError): Answer;
  journalExtras(call: Call, route: R): Partial<JournalEntry>;
}

/** Sleeps that end early (returning false) when the emulator closes, so close() never waits on a delay fault. */
export class Sleeper {
  private readonly waiting = new Map<NodeJS.Timeout, (v: boolean) => void>();
  private closed = false;

  sleep(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waiting.delete(t);
        resolve(true);
      }, ms);
      this.waiting.set(t, resolve);
    });
  }

  close(): void {
    this.closed = true;
    for (const [t, resolve] of this.waiting) {
      clearTimeout(t);
      resolve(false);
    }
    this.waiting.clear();
  }
}

export interface ServiceEnv {
  faults: Faults;
  journal: Journal;
  sleeper: Sleeper;
}

const NOT_CHECKED: SignatureCheck = { algorithm: 'none', ok: false, reason: 'not checked' };

function faultAnswer<R extends Route>(adapter: ServiceAdapter<R>, call: Call, route: R, fault: ActiveFault): Answer {
  if (fault.kind === 'html') {
    const status = fault.status ?? 502;
    const body =
      fault.body ??
      `<html>\r\n<head><title>${status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${status} Bad Gateway</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n`;
    return { status, headers: { 'content-type': fault.contentType ?? 'text/html' }, body };
  }
  const status = fault.status ?? 503;
  const code = fault.code ?? 'ServiceUnavailable';
  const message = fault.message ?? `The request has failed due to a temporary failure of the server (injected ${code}).`;
  return adapter.errorAnswer(call, route, new ServiceError(status, code, message));
}

export function createHandler<R extends Route>(adapter: ServiceAdapter<R>, env: ServiceEnv) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void serve(adapter, env, req, res).catch((err: unknown) => {
      // A bug in the emulator itself: answer 500 rather than hang the client.
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`emulator error: ${String(err)}`);
      }
    });
  };
}

async function serve<R extends Route>(adapter: ServiceAdapter<R>, env: ServiceEnv, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const arrivedAt = Date.now();
  const body = await readBody(req);
  const { rawPath, query } = parseUrl(req.url ?? '/');
  const call: Call = {
    method: (req.method ?? 'GET').toUpperCase(),
    rawPath,
    query,
    queryObj: queryObject(query),
    headers: headerMap(req),
    body,
    requestId: newRequestId(),
    arrivedAt,
  };
  const route = adapter.route(call);
  const fault = env.faults.take(route.action, adapter.service);
  let signature: SignatureCheck = NOT_CHECKED;

  const record = (status: number, errorCode?: string): void => {
    env.journal.record({
      time: arrivedAt,
      service: adapter.service,
      action: route.action,
      method: call.method,
      path: rawPath,
      query: call.queryObj,
      headers: call.headers,
      signature,
      status,
      requestId: call.requestId,
      durationMs: Date.now() - arrivedAt,
      ...(errorCode !== undefined ? { errorCode } : {}),
      ...(fault ? { fault: fault.kind } : {}),
      ...adapter.journalExtras(call, route),
    });
  };
  const drop = (errorCode?: string): void => {
    req.socket.destroy();
    record(0, errorCode);
  };
  const send = (answer: Answer): void => {
    if (res.destroyed) return;
    const headers = { ...answer.headers };
    if (fault?.retryAfter !== undefined && answer.status >= 400) headers['retry-after'] = String(fault.retryAfter);
    // HEAD answers carry the object's length; everything else the length of what is sent.
    if (headers['content-length'] === undefined) headers['content-length'] = String(Buffer.byteLength(answer.body));
    res.writeHead(answer.status, headers);
    res.end(call.method === 'HEAD' ? undefined : answer.body);
    record(answer.status, answer.errorCode);
  };

  if (fault?.kind === 'drop') return drop();
  if (fault?.kind === 'delay') {
    if (!(await env.sleeper.sleep(fault.delayMs ?? 1000))) return drop();
  }
  if (fault?.kind === 'status' || fault?.kind === 'html') return send(faultAnswer(adapter, call, route, fault));
  if (fault?.kind === 'body')
    return send({
      status: fault.status ?? 200,
      headers: { 'content-type': fault.contentType ?? 'application/json;charset=utf-8' },
      body: fault.body ?? 'null',
    });

  let answer: Answer;
  try {
    const auth = adapter.authenticate(call, route);
    signature = auth.check;
    if (auth.error) throw auth.error;
    if (route.error) throw route.error;
    answer = await adapter.handle(call, route);
  } catch (err) {
    const error =
      err instanceof ServiceError ? err : new ServiceError(500, 'InternalError', `The request processing has failed due to some unknown error: ${String(err)}`);
    answer = adapter.errorAnswer(call, route, error);
  }
  // The work is done (a job created, an object stored); the answer is lost on the way back.
  if (fault?.kind === 'drop-after') return drop(answer.errorCode);
  // The work is done, yet the service answers an error: the client cannot tell it from a request not carried out.
  if (fault?.kind === 'status-after') return send(faultAnswer(adapter, call, route, fault));
  send(answer);
}
