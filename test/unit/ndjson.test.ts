import { describe, expect, it } from 'vitest';
import type { TrainingJob } from '../../src/core/ports/backends.js';
import { interruptedEvent, resultEvent, statusEvent, timedOutEvent, type RunEvent } from '../../src/core/events.js';
import { createIO } from '../../src/ui/io.js';
import { ndjsonReporter } from '../../src/ui/run-reporter.js';

// The NDJSON records of `run --json` (docs/commands.md), pinned field by field and in order: each event of the
// stream (src/core/events.ts) is written as its record, with `v` right after `time`.

const TIME = '2026-12-02T05:00:00.000Z';

function records(events: RunEvent[]): { out: string[]; err: string } {
  let out = '';
  let err = '';
  const io = createIO({
    stdout: { write: (s: string) => ((out += s), true), isTTY: false },
    stderr: { write: (s: string) => ((err += s), true), isTTY: false },
    env: {},
    colorFlag: false,
    verbose: false,
  });
  const reporter = ndjsonReporter(io, () => new Date(TIME));
  for (const e of events) reporter.emit(e);
  reporter.close();
  return { out: out.split('\n').filter(Boolean), err };
}

const job: TrainingJob = {
  id: 'train1',
  name: 'n',
  status: 'Failed',
  reasonCode: 'E',
  reasonMessage: 'boom',
  url: 'https://x/1',
  instances: [],
  outputs: [],
  transitions: [],
  labels: {},
};
const head = (event: string) => `{"event":"${event}","time":"${TIME}","v":1`;

describe('the NDJSON records', () => {
  it('are each event as its record, with its name, the time and the version first', () => {
    const { out } = records([
      { type: 'bucket', bucket: 'b', origin: 'o' },
      { type: 'packaged', mode: 'archive', files: 2, bytes: 10, archiveBytes: 5, sha256: 'ab', uri: 'oss://b/k' },
      { type: 'upload-skipped', uri: 'oss://b/k', skipped: true },
      { type: 'upload-started', uri: 'oss://b/k', bytes: 10, files: 2, started: true },
      { type: 'upload-progress', sent: 1, total: 10 },
      { type: 'uploaded', uri: 'oss://b/k', done: true, sentFiles: 2, sentBytes: 10 },
      { type: 'retry', code: 'Throttling', message: 'slow down', attempt: 1, delayMs: 200 },
      { type: 'submitted', jobId: 'train1', name: 'n', url: null, detail: { status: 'Creating' } },
      { type: 'following', jobId: 'train1', stopOnInterrupt: false },
      statusEvent({ ...job, status: 'Running' }, undefined),
      { type: 'log', worker: 'worker-0', line: 'hi\u001b' },
      { type: 'heartbeat', status: 'Running', quietMs: 5 },
      { type: 'event', jobId: 'train1', eventTime: null, text: 't' },
      { type: 'stopping', jobId: 'train1' },
      resultEvent(job, 1, 1600, [{ name: 'model', uri: 'oss://b/m/' }]),
    ]);
    expect(out).toEqual([
      `${head('bucket')},"bucket":"b","origin":"o"}`,
      `${head('packaged')},"mode":"archive","files":2,"bytes":10,"archiveBytes":5,"sha256":"ab","uri":"oss://b/k"}`,
      `${head('upload')},"uri":"oss://b/k","skipped":true}`,
      `${head('upload')},"uri":"oss://b/k","bytes":10,"files":2,"started":true}`,
      `${head('upload')},"uri":"oss://b/k","done":true,"sentFiles":2,"sentBytes":10}`,
      `${head('retry')},"code":"Throttling","message":"slow down","attempt":1,"delayMs":200}`,
      `${head('submitted')},"jobId":"train1","name":"n","url":null}`,
      `${head('status')},"jobId":"train1","status":"Running","previous":null}`,
      `${head('log')},"worker":"worker-0","line":"hi\\u001b"}`,
      `${head('heartbeat')},"status":"Running","quietMs":5}`,
      `${head('event')},"jobId":"train1","eventTime":null,"text":"t"}`,
      `${head('stopping')},"jobId":"train1"}`,
      `${head('result')},"jobId":"train1","status":"Failed","exitCode":1,"durationSeconds":2,"reasonCode":"E","reasonMessage":"boom","url":"https://x/1","outputs":[{"name":"model","uri":"oss://b/m/"}]}`,
    ]);
  });

  it('end with a result record however the run ended', () => {
    const { out } = records([
      { type: 'detached', jobId: 'train1', status: 'Creating', exitCode: 0, detached: true, url: null },
      { type: 'cancelled', jobId: null, status: null, exitCode: 130, interrupted: true },
      interruptedEvent('train1', undefined, false),
      interruptedEvent('train1', 'Stopped', true),
      timedOutEvent({ ...job, status: 'Running' }, 6000),
      resultEvent({ ...job, status: 'SucceededReserving', reservedMinutes: 30 }, 0, 0, []),
      {
        type: 'local-interrupted',
        jobId: 'j',
        status: 'Stopped',
        exitCode: 130,
        durationSeconds: 1,
        reasonCode: 'Interrupted',
        reasonMessage: 'm',
        url: null,
        outputs: [],
        detail: { name: 'j', durationMs: 900 },
      },
    ]);
    expect(out).toEqual([
      `${head('result')},"jobId":"train1","status":"Creating","exitCode":0,"detached":true,"url":null}`,
      `${head('result')},"jobId":null,"status":null,"exitCode":130,"interrupted":true}`,
      `${head('result')},"jobId":"train1","status":null,"exitCode":130,"interrupted":true}`,
      `${head('result')},"jobId":"train1","status":"Stopped","exitCode":3,"interrupted":true}`,
      `${head('result')},"jobId":"train1","status":"Running","exitCode":6,"timedOut":true}`,
      `${head('result')},"jobId":"train1","status":"SucceededReserving","exitCode":0,"durationSeconds":0,"reasonCode":"E","reasonMessage":"boom","url":"https://x/1","outputs":[],"instancesKept":true,"reservedMinutes":30}`,
      `${head('result')},"jobId":"j","status":"Stopped","exitCode":130,"durationSeconds":1,"reasonCode":"Interrupted","reasonMessage":"m","url":null,"outputs":[]}`,
    ]);
  });

  it('leave what a person needs on stderr, not in a record', () => {
    const { out, err } = records([
      { type: 'warning', message: 'careful' },
      { type: 'local-started', jobId: 'j', runDir: '/r', runtime: 'plain', image: 'python' },
    ]);
    expect(out).toEqual([]);
    expect(err).toBe('! careful\nRunning j on this machine (as a plain process) in /r. Ctrl-C stops it.\n');
  });
});
